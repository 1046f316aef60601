"""Ranking runs and their results, stored immutably: a published ranking is never edited, only superseded."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mutakhir.accounts.scope import filter_visible, region_q


class ImmutableError(Exception):
    """An attempt to change or delete a stored ranking."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError(_("Rankings are immutable: start a new run instead."))

    def delete(self):
        raise ImmutableError(_("Rankings are immutable: start a new run instead."))


class Immutable(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(_("Rankings are immutable: start a new run instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("Rankings are immutable: start a new run instead."))


class PmtModelVersion(Immutable):
    """A published PMT model file: one numbered version of a named model, never edited."""

    name = models.CharField(_("name"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("model file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="pmt_model_version_unique")]
        verbose_name = _("PMT model version")
        verbose_name_plural = _("PMT model versions")

    def __str__(self):
        return f"{self.name} v{self.version}"


class NationalKey(models.Model):
    """The national team's public signing key, trusted by a district installation to check national cut-points."""

    public_key = models.CharField(_("public key"), max_length=64)
    fingerprint = models.CharField(_("fingerprint"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("trusted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("national signing key")
        verbose_name_plural = _("national signing keys")

    def __str__(self):
        return self.fingerprint


class CutPointSet(Immutable):
    """National desil cut-points imported from a signed file: the score thresholds of a national ranking run.

    A run that uses them assigns each household the national desil its score falls in, not its rank in the
    district; they belong to one model (by the SHA-256 of its file) and are refused with any other.
    """

    model_name = models.CharField(_("model name"), max_length=80)
    model_version = models.PositiveIntegerField(_("model version"))
    model_sha256 = models.CharField(_("model SHA-256"), max_length=64, db_index=True)
    national_run = models.PositiveBigIntegerField(_("national ranking run"))
    published_at = models.DateTimeField(_("published at"))
    content = models.JSONField(_("cut-points"))
    sha256 = models.CharField(_("file SHA-256"), max_length=64, unique=True)
    key_fingerprint = models.CharField(_("signing key"), max_length=16)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("national cut-points")
        verbose_name_plural = _("national cut-points")

    def __str__(self):
        """National cut-points of run #40 (pmt v3): what a run page and a select show."""
        return _("National cut-points of run #%(run)s (%(name)s v%(version)s)") % {
            "run": self.national_run, "name": self.model_name, "version": self.model_version}


class RankingRunQuerySet(ImmutableQuerySet):
    def visible_to(self, user):
        """Limit to runs for a region inside the user's scope ("" = national, seen by national staff)."""
        return filter_visible(self, user, "region_code")


class RankingRun(Immutable):
    """One PMT re-ranking: the model file as used, where it ran and what it gave."""

    region_code = models.CharField(_("region"), max_length=10, blank=True, db_index=True)
    model = models.JSONField(_("PMT model"))
    model_sha256 = models.CharField(_("model SHA-256"), max_length=64)
    engine = models.CharField(_("engine"), max_length=10)
    source = models.CharField(_("household data"), max_length=255)
    persons_weighted = models.BooleanField(_("desil by people"), default=False)
    households = models.PositiveBigIntegerField(_("households"))
    summary = models.JSONField(_("summary"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Runs started in the app: the published model, the job, and the registry snapshot it scored.
    pmt_model = models.ForeignKey(PmtModelVersion, models.PROTECT, null=True, blank=True, related_name="runs",
                                  verbose_name=_("PMT model version"))
    job = models.OneToOneField("core.JobRun", models.PROTECT, null=True, blank=True, related_name="ranking_run",
                               verbose_name=_("job"))
    inputs_sha256 = models.CharField(_("inputs snapshot (SHA-256)"), max_length=64, blank=True)
    # National cut-points the desil were assigned by; none: desil are ranks within the households scored.
    cutpoints = models.ForeignKey(CutPointSet, models.PROTECT, null=True, blank=True, related_name="runs",
                                  verbose_name=_("national cut-points"))

    objects = RankingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")

    def __str__(self):
        """#12 · 1901 · 08-12-2026: the run, its region (all of them when none) and its local date."""
        scope = self.region_code or _("all regions")
        when = date_format(timezone.localtime(self.created_at), "SHORT_DATE_FORMAT") if self.created_at else ""
        return f"#{self.pk} · {scope} · {when}"


class RankingResultQuerySet(ImmutableQuerySet):
    def visible_to(self, user):
        """Limit by the household's village code when recorded, else by the ranking region."""
        village, ranked = region_q(user, "household_region"), region_q(user, "region")
        if village is None:
            return self.none()
        if not village:  # national scope (an empty Q would swallow the OR)
            return self
        return self.filter(village | (models.Q(household_region="") & ranked))


class RankingResult(Immutable):
    """One household's score and rank in a run."""

    run = models.ForeignKey(RankingRun, models.PROTECT, related_name="results", verbose_name=_("run"))
    household_id = models.CharField(_("household ID"), max_length=64)
    score = models.FloatField(_("score"))
    percentile = models.FloatField(_("percentile"))
    desil = models.PositiveSmallIntegerField(_("desil"))
    region_percentile = models.FloatField(_("percentile in region"))
    region = models.CharField(_("region"), max_length=10, blank=True)
    model_region = models.CharField(_("model region"), max_length=10)
    flags = models.CharField(_("flags"), max_length=500, blank=True)
    household_region = models.CharField(_("village"), max_length=10, blank=True)

    objects = RankingResultQuerySet.as_manager()

    class Meta:
        ordering = ["run", "percentile"]
        constraints = [models.UniqueConstraint(fields=["run", "household_id"], name="ranking_result_unique")]
        indexes = [models.Index(fields=["run", "desil"])]
        verbose_name = _("ranking result")
        verbose_name_plural = _("ranking results")

    def __str__(self):
        return f"{self.household_id} desil {self.desil}"


class PmtSurvey(models.Model):
    """A survey file uploaded to fit a PMT model in the app, with its columns as read at upload.

    The file stays as uploaded: a fitted model records its SHA-256, so its origin can be checked later.
    """

    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("survey file"), upload_to="ranking/surveys/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveBigIntegerField(_("rows"))
    columns = models.JSONField(_("columns"), default=list)  # [{"name": ..., "numeric": bool}] in file order
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("PMT survey")
        verbose_name_plural = _("PMT surveys")

    def __str__(self):
        return self.name
