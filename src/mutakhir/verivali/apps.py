from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerivaliConfig(AppConfig):
    name = "mutakhir.verivali"
    verbose_name = _("Verification and validation (verivali)")
