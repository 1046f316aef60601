from django.contrib import admin
from django.urls import include, path

from mutakhir.config.api import api
from mutakhir.core.views import home, job_status

urlpatterns = [
    path("", home, name="home"),
    path("jobs/<int:pk>/", job_status, name="job_status"),
    path("publik/", include("mutakhir.core.public_urls")),
    path("accounts/", include("mutakhir.accounts.urls")),
    path("registry/", include("mutakhir.registry.urls")),
    path("registrations/", include("mutakhir.registration.urls")),
    path("identification/", include("mutakhir.identification.urls")),
    path("verification/", include("mutakhir.verification.urls")),
    path("decrees/", include("mutakhir.decrees.urls")),
    path("targeting/", include("mutakhir.targeting.urls")),
    path("ranking/", include("mutakhir.ranking.urls")),
    path("complaints/", include("mutakhir.complaints.urls")),
    path("verivali/", include("mutakhir.verivali.urls")),
    path("cycle/", include("mutakhir.cycle.urls")),
    path("notifications/", include("mutakhir.notifications.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
