"""Staff accounts: one role and one region each (DOMAIN.md, "Who uses it")."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from mutakhir.regions.codes import LENGTH_LEVELS, LEVEL_LENGTHS
from mutakhir.regions.models import Region


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Village registrar (Kasi Pelayanan)")
    PSM = "psm", _("Community social worker (PSM)")
    TKSK = "tksk", _("Sub-district welfare worker (TKSK)")
    DISTRICT_OPERATOR = "district_operator", _("District operator (Dinas Sosial/Bappeda)")
    DISTRICT_HEAD = "district_head", _("District head or delegate")
    NATIONAL = "national", _("National data team (Pokja)")
    PROGRAM_MANAGER = "program_manager", _("Program manager (K/L)")
    AUDITOR = "auditor", _("Auditor")


NATION = None
# The region levels each role works at (NATION = no region, the whole country). Village and district roles have
# exactly one level; national roles may be narrowed to a province or district; an auditor audits at any level,
# the nation included (DOMAIN.md). An active account outside this table sees nothing and cannot be stored.
ROLE_LEVELS = {
    Role.REGISTRAR: (Region.Level.VILLAGE,),
    Role.PSM: (Region.Level.VILLAGE,),
    Role.TKSK: (Region.Level.SUBDISTRICT,),
    Role.DISTRICT_OPERATOR: (Region.Level.REGENCY,),
    Role.DISTRICT_HEAD: (Region.Level.REGENCY,),
    Role.NATIONAL: (NATION, Region.Level.PROVINCE, Region.Level.REGENCY),
    Role.PROGRAM_MANAGER: (NATION, Region.Level.PROVINCE, Region.Level.REGENCY),
    Role.AUDITOR: (NATION, Region.Level.PROVINCE, Region.Level.REGENCY, Region.Level.SUBDISTRICT, Region.Level.VILLAGE),
}
READ_ONLY_ROLES = {Role.AUDITOR}


def region_level(code: str | None) -> int | None:
    """Return the level of a region code by its length (NATION for no code, 0 for a malformed one)."""
    return NATION if not code else LENGTH_LEVELS.get(len(code), 0)


def role_fits_region(role: str, code: str | None) -> bool:
    """Return True when an account of `role` may hold the region `code` (None = the nation)."""
    return region_level(code) in ROLE_LEVELS.get(role, ())


def role_region_condition() -> Q:
    """Return the check the database enforces: an active account with a role holds a region of its level.

    The region's level is not on the account's row, so the check reads it from the key's length: codes
    without dots are 2, 4, 6 or 10 characters long by level (regions/codes.py). NULL passes a CHECK, so the
    region's presence is tested explicitly before its length.
    """
    allowed = Q(is_active=False) | Q(role="")
    for role, levels in ROLE_LEVELS.items():
        lengths = [LEVEL_LENGTHS[level] for level in levels if level is not NATION]
        fits = Q(region__isnull=False) & In(Length("region"), lengths)
        if NATION in levels:
            fits |= Q(region__isnull=True)
        allowed |= Q(role=role.value) & fits
    return allowed


def level_names(role: str) -> str:
    """Return the levels a role works at, for messages ("Kecamatan", "seluruh Indonesia, Provinsi, Kabupaten/kota")."""
    return ", ".join(str(_("the whole nation") if level is NATION else Region.Level(level).label)
                     for level in ROLE_LEVELS.get(role, ()))


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("Empty means the whole nation: national roles and auditors only."),
    )

    class Meta(AbstractUser.Meta):
        constraints = [models.CheckConstraint(
            condition=role_region_condition(), name="user_role_region_level",
            violation_error_message=_("An active account's region must be of its role's level."))]

    def clean(self):
        """Refuse a region of another level than the role's: a wrong region widens or empties the scope."""
        super().clean()
        if not self.is_active or not self.role or role_fits_region(self.role, self.region_id):
            return
        if self.role not in ROLE_LEVELS:
            raise ValidationError({"role": _("Unknown role %(role)r.") % {"role": self.role}})
        if self.region_id is None:
            message = _("A %(role)s account needs a region (%(levels)s).")
        else:
            message = _("A %(role)s works at the level %(levels)s; region %(region)s is not of that level.")
        raise ValidationError({"region": message % {
            "role": Role(self.role).label, "levels": level_names(self.role), "region": self.region_id}})

    @property
    def scope_prefix(self) -> str | None:
        """Return the region-code prefix this account may see; '' = everything, None = nothing.

        Fails closed: a role whose region is missing or of another level sees nothing, never the nation.
        """
        if self.is_superuser:
            return ""
        if not self.is_active or not self.role or not role_fits_region(self.role, self.region_id):
            return None
        return self.region_id or ""

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES
