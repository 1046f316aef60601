"""Programs with versioned criteria, and the beneficiary lists drawn from ranking runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutakhir.accounts.scope import filter_visible


class Unit(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    PERSON = "person", _("Person")


# What a program system may read of its lists through the API (targeting/pulls.py); the rest stays in the app.
ENTRY_COLUMNS = ("household_id", "record_id", "region_code", "score", "percentile", "desil", "people", "status",
                 "change", "reason")
PERSON_COLUMNS = ("name", "nik", "kk", "address")  # the head of a household list, the person of a person list
API_COLUMNS = ENTRY_COLUMNS + PERSON_COLUMNS
DEFAULT_API_COLUMNS = ("household_id", "region_code", "desil", "people", "status", "change", "name", "nik")


PERSON_COLUMN_LABELS = {"name": _("name"), "nik": "NIK", "kk": _("family card no. (KK)"), "address": _("address")}


def column_label(column: str) -> str:
    """A column's name on a page (the API keeps the identifier)."""
    if column in PERSON_COLUMN_LABELS:
        return str(PERSON_COLUMN_LABELS[column])
    return str(Entry._meta.get_field(column).verbose_name)


def default_api_columns() -> list[str]:
    return list(DEFAULT_API_COLUMNS)


class Program(models.Model):
    """A K/L program (PKH, BPNT/Sembako, PBI-JK) whose criteria live in its versions.

    `api_columns` are the columns its program system may pull; NIK and KK go out masked unless
    `api_full_identity` (a payment system that must match people by NIK).
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    api_columns = models.JSONField(_("columns for the program system"), default=default_api_columns)
    api_full_identity = models.BooleanField(_("full NIK and KK for the program system"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self):
        return self.name

    @property
    def current(self):
        return self.versions.order_by("-number").first()


class VersionEditError(Exception):
    """An attempt to change a saved criteria version."""


class ProgramVersion(models.Model):
    """One version of a program's criteria; saved once, never edited (a change is a new version)."""

    program = models.ForeignKey(Program, models.PROTECT, related_name="versions", verbose_name=_("program"))
    number = models.PositiveIntegerField(_("version"))
    rule = models.TextField(_("rule"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.HOUSEHOLD)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["program", "-number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_version_unique")]
        verbose_name = _("criteria version")
        verbose_name_plural = _("criteria versions")

    def __str__(self):
        return f"{self.program} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionEditError(_("Criteria versions are never edited: save a new version."))
        super().save(*args, **kwargs)


class BeneficiaryList(models.Model):
    """One list drawn with a criteria version from a ranking run; national, its entries scoped by region."""

    version = models.ForeignKey(ProgramVersion, models.PROTECT, related_name="lists", verbose_name=_("criteria"))
    ranking_run = models.ForeignKey("ranking.RankingRun", models.PROTECT, verbose_name=_("ranking run"))
    previous = models.ForeignKey("self", models.PROTECT, null=True, blank=True, verbose_name=_("previous list"))
    options = models.JSONField(_("options"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("beneficiary list")
        verbose_name_plural = _("beneficiary lists")

    def __str__(self):
        return f"{self.version} #{self.pk}"


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to entries of households inside the user's region scope."""
        return filter_visible(self, user, "region_code")


class Entry(models.Model):
    """A household (or person) of a list: listed, kept by the grace band, just outside, or gone since last time."""

    class Status(models.TextChoices):
        SELECTED = "selected", _("Selected")
        GRACE = "grace", _("Kept (grace band)")
        NEAR = "near", _("Just outside")
        EXITED = "exited", _("Exited")

    beneficiary_list = models.ForeignKey(BeneficiaryList, models.CASCADE, related_name="entries",
                                         verbose_name=_("list"))
    household_id = models.CharField(_("household ID"), max_length=64)
    record_id = models.CharField(_("record ID"), max_length=64, blank=True)
    region_code = models.CharField(_("region"), max_length=10, blank=True, db_index=True)
    score = models.FloatField(_("score"), null=True)
    percentile = models.FloatField(_("percentile"), null=True)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True)
    people = models.PositiveIntegerField(_("people"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    change = models.CharField(_("change"), max_length=10, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = EntryQuerySet.as_manager()
    # The engine writes `change` as a code (its CSV keeps it); a page shows these words.
    CHANGES = {"entered": _("entered"), "stayed": _("stayed"), "exited": _("exited")}

    class Meta:
        ordering = ["beneficiary_list", "region_code", "score", "household_id", "record_id"]
        # The second: a household's entries in the newest lists (the public status check, registration/progress.py).
        indexes = [models.Index(fields=["beneficiary_list", "status"]),
                   models.Index(fields=["beneficiary_list", "household_id"], name="entry_list_household_idx")]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")

    def __str__(self):
        return f"{self.household_id} {self.status}"

    def get_change_display(self) -> str:
        return str(self.CHANGES.get(self.change, self.change))

    def get_reason_display(self) -> str:
        """The engine's reason in words where it is a fixed phrase; a rule's clauses stay as written."""
        if self.reason.startswith("not: "):
            return _("does not meet: %(clauses)s") % {"clauses": self.reason[len("not: "):]}
        if self.reason == "no quota for this region":
            return str(_("no quota for this region"))
        return self.reason
