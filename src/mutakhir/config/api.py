"""The one JSON API (django-ninja): each app adds its router here; schema at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

from mutakhir.registration.api import router as registration_router

api = NinjaAPI(title="Mutakhir API", version="1", urls_namespace="api",
               description="Token authentication: `Authorization: Bearer <token>` (see `mutakhir apitoken create`).")
api.add_router("/registrations/", registration_router)
