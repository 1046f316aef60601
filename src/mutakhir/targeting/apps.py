from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    name = "mutakhir.targeting"
    verbose_name = _("Targeting")
