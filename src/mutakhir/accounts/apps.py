from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mutakhir.accounts"
    verbose_name = _("Accounts and region scope")

    def ready(self):
        from . import twofactor  # noqa: F401 - connects the login signal receiver
