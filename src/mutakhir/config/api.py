"""The one JSON API (django-ninja): each app adds its router here; schema at /api/openapi.json, docs at /api/docs."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError

from mutakhir.core.api import router as jobs_router
from mutakhir.ranking.api import router as pmt_models_router
from mutakhir.registration.api import router as registration_router
from mutakhir.registration.api_batch import router as registration_batch_router
from mutakhir.registry.api import router as packages_router
from mutakhir.targeting.api import router as lists_router
from mutakhir.verivali.api import router as feeds_router

api = NinjaAPI(title="Mutakhir API", version="1", urls_namespace="api",
               description="Token authentication: `Authorization: Bearer <token>`, a token of the endpoint's purpose "
                           "(the API tokens page, or `mutakhir apitoken create USER --purpose P`). "
                           "Examples: docs/api.md.")
api.add_router("/registrations/", registration_router)
api.add_router("/packages/", packages_router)
api.add_router("/pmt-models/", pmt_models_router)
api.add_router("/feeds/", feeds_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/registration-batches/", registration_batch_router)
api.add_router("/lists/", lists_router)


# pydantic's messages are English; an API client of an Indonesian deployment reads them in the request's language.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("Required value missing."), "string_type": gettext_lazy("Must be text."),
    "int_type": gettext_lazy("Must be a whole number."), "int_parsing": gettext_lazy("Must be a whole number."),
    "bool_type": gettext_lazy("Must be true or false."), "bool_parsing": gettext_lazy("Must be true or false."),
    "date_from_datetime_parsing": gettext_lazy("Must be a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Must be a date (YYYY-MM-DD)."),
    "date_type": gettext_lazy("Must be a date (YYYY-MM-DD)."),
    "list_type": gettext_lazy("Must be a list."), "model_attributes_type": gettext_lazy("Must be an object."),
    "dict_type": gettext_lazy("Must be an object."), "json_invalid": gettext_lazy("The body is not valid JSON."),
    "too_long": gettext_lazy("Too many items."),
    "string_pattern_mismatch": gettext_lazy("Not in the expected form."),
    "string_too_long": gettext_lazy("Too long."), "string_too_short": gettext_lazy("Too short."),
    "extra_forbidden": gettext_lazy("Unknown field."), "literal_error": gettext_lazy("Not one of the allowed values."),
    "enum": gettext_lazy("Not one of the allowed values."),
}


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """422 with django-ninja's error list, each message in the request's language (the English one when unknown)."""
    errors = [{**e, "msg": str(VALIDATION_MESSAGES.get(e.get("type"), e.get("msg", "")))} for e in exc.errors]
    return api.create_response(request, {"detail": errors, "message": _("The request has errors.")}, status=422)
