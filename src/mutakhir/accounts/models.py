"""Staff accounts: one role and one region each (DOMAIN.md, "Who uses it")."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Village registrar (Kasi Pelayanan)")
    PSM = "psm", _("Community social worker (PSM)")
    TKSK = "tksk", _("Sub-district welfare worker (TKSK)")
    DISTRICT_OPERATOR = "district_operator", _("District operator (Dinas Sosial/Bappeda)")
    DISTRICT_HEAD = "district_head", _("District head or delegate")
    NATIONAL = "national", _("National data team (Pokja)")
    PROGRAM_MANAGER = "program_manager", _("Program manager (K/L)")
    AUDITOR = "auditor", _("Auditor")


# The region level each role works at; an account's region must be of this level (None = nation).
ROLE_LEVEL = {
    Role.REGISTRAR: 4,
    Role.PSM: 4,
    Role.TKSK: 3,
    Role.DISTRICT_OPERATOR: 2,
    Role.DISTRICT_HEAD: 2,
    Role.NATIONAL: None,
    Role.PROGRAM_MANAGER: None,
}
READ_ONLY_ROLES = {Role.AUDITOR}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Empty means the whole nation."),
    )

    @property
    def scope_prefix(self) -> str | None:
        """Return the region-code prefix this account may see; '' = everything, None = nothing."""
        if self.is_superuser:
            return ""
        if not self.is_active or not self.role:
            return None
        return self.region_id or ""

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES
