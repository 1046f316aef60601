"""Verivali models: administrative signals (other agencies' extracts) and the flags they raise.

An import reads one agency's CSV extract; each row that names a registry person or family becomes a
`Signal` on that household, each bad row a `SignalIssue` (which row, which field, why). A `SignalFlag`
marks a household whose signal contradicts its recorded characteristics or its desil: a possible
inclusion error, to dismiss or send to re-verification.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible

__all__ = ["Agency", "SignalImport", "SignalIssue", "Signal", "SignalFlag"]


class Agency(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity (PLN)")
    VEHICLE = "vehicle", _("Vehicle registration (Samsat)")
    PAYROLL = "payroll", _("Civil-servant payroll (ASN/TNI/Polri)")
    HEALTH = "health", _("Health insurance (BPJS Kesehatan)")


class _RegionScoped(models.QuerySet):
    region_field = "region_id"

    def visible_to(self, user):
        """Limit to rows inside the user's region scope."""
        return filter_visible(self, user, self.region_field)


class SignalImport(models.Model):
    """One agency extract read into the registry's signals, with its counts (committed before any row)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, nothing applied")

    agency = models.CharField(_("agency"), max_length=12, choices=Agency.choices)
    source = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    region = models.ForeignKey("regions.Region", models.PROTECT, null=True, blank=True, db_column="region_code",
                               related_name="+", verbose_name=_("region"), help_text=_("Empty means national."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    applied = models.PositiveIntegerField(_("rows applied"), default=0)
    unmatched = models.PositiveIntegerField(_("not in the registry"), default=0)
    rejected = models.PositiveIntegerField(_("rows with problems"), default=0)
    flags = models.PositiveIntegerField(_("flags raised"), default=0)
    error = models.TextField(_("error"), blank=True)
    job = models.OneToOneField("core.JobRun", models.PROTECT, null=True, blank=True, related_name="signal_import")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = _RegionScoped.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signal import")
        verbose_name_plural = _("signal imports")

    def __str__(self):
        return f"{self.get_agency_display()} {self.source}"


class SignalIssue(models.Model):
    """A row of an extract that was not applied, and why (rendered in the reader's language)."""

    class Code(models.TextChoices):
        MISSING_KEY = "missing_key", _("No NIK and no KK")
        BAD_NIK = "bad_nik", _("Invalid NIK")
        BAD_KK = "bad_kk", _("Invalid KK")
        BAD_VALUE = "bad_value", _("Invalid value")
        DUPLICATE = "duplicate", _("Duplicate NIK/KK in the extract")
        OUTSIDE_REGION = "outside", _("Outside your region")
        AMBIGUOUS_KK = "ambiguous_kk", _("KK in more than one household")

    signal_import = models.ForeignKey(SignalImport, models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    code = models.CharField(_("problem"), max_length=12, choices=Code.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["signal_import_id", "row", "pk"]
        verbose_name = _("signal import problem")
        verbose_name_plural = _("signal import problems")

    def __str__(self):
        return f"{self.row}:{self.field} {self.code}"

    @property
    def message(self) -> str:
        from mutakhir.verivali.signals.issues import describe

        return describe(self)


class Signal(models.Model):
    """One agency's fact about a registry household (or one of its members), as read from one row."""

    signal_import = models.ForeignKey(SignalImport, models.CASCADE, related_name="signals")
    household = models.ForeignKey("registry.Household", models.PROTECT, related_name="+",
                                  verbose_name=_("household"))
    member = models.ForeignKey("registry.Member", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("member"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("village"))
    row = models.PositiveIntegerField(_("row"))
    data = models.JSONField(_("data"), default=dict)

    objects = _RegionScoped.as_manager()

    class Meta:
        ordering = ["signal_import_id", "row"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self):
        return f"{self.signal_import_id}:{self.row}"


class SignalFlag(models.Model):
    """A household whose signal contradicts its record or desil: a possible inclusion error."""

    class Rule(models.TextChoices):
        POWER_HIGHER = "power_higher", _("Installed power far above the record")
        ELECTRIFIED = "electrified", _("PLN customer, recorded without PLN electricity")
        POWER_DESIL = "power_desil", _("Large connection in a low desil")
        CAR = "car", _("Car registered, not recorded")
        MOTORCYCLE = "motorcycle", _("Motorcycle registered, not recorded")
        VEHICLE_DESIL = "vehicle_desil", _("Several or large vehicles in a low desil")
        CIVIL_SERVANT = "civil_servant", _("Member on the civil-servant payroll")
        PAID_INSURANCE = "paid_insurance", _("Paid health-insurance class")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        SENT = "sent", _("Sent to re-verification")
        SELECTED = "selected", _("On a prelist")

    household = models.ForeignKey("registry.Household", models.PROTECT, related_name="signal_flags",
                                  verbose_name=_("household"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("village"))
    signal = models.ForeignKey(Signal, models.CASCADE, related_name="flags", verbose_name=_("signal"))
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    evidence = models.JSONField(_("evidence"), default=dict)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    ranking_run = models.ForeignKey("ranking.RankingRun", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("ranking run"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = _RegionScoped.as_manager()

    class Meta:
        ordering = ["region_id", "household_id", "rule"]
        constraints = [models.UniqueConstraint(fields=["signal", "rule"], name="signal_flag_once")]
        indexes = [models.Index(fields=["region", "status"], name="signal_flag_region_status")]
        verbose_name = _("signal flag")
        verbose_name_plural = _("signal flags")

    def __str__(self):
        return f"{self.household_id} {self.rule}"

    @property
    def reason(self) -> str:
        """Return why the household was flagged, in the reader's language."""
        from mutakhir.verivali.signals.rules import describe

        return describe(self.rule, self.evidence)
