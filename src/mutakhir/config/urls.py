from django.contrib import admin
from django.urls import include, path

from mutakhir.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("mutakhir.accounts.urls")),
    path("registry/", include("mutakhir.registry.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
