"""Stage 2 in the app: match runs, their per-registration results, and the frozen prelist per village."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutakhir.accounts.scope import filter_visible


class Category(models.TextChoices):
    NEW = "new", _("New registrant")
    UNCHANGED = "unchanged", _("Old data, no change")
    CHANGED = "changed", _("Old data, changed")
    VERIVALI = "verivali", _("Re-verification of old data")


class RegionScopedQuerySet(models.QuerySet):
    region_field = "region_id"

    def visible_to(self, user):
        """Limit to rows inside the user's region scope."""
        return filter_visible(self, user, self.region_field)


class MatchRun(models.Model):
    """One matching of an update period's registrations against the registry (and civil registry)."""

    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, related_name="match_runs",
                                      verbose_name=_("update period"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("district"))
    job = models.OneToOneField("core.JobRun", models.PROTECT, null=True, blank=True, related_name="match_run")
    engine = models.CharField(_("engine"), max_length=10, default="duckdb")
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self):
        return f"{_('Match run')} #{self.pk}"


class Prelist(models.Model):
    """The households to verify in one village for one update period, frozen as a numbered version."""

    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, related_name="prelists",
                                      verbose_name=_("update period"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("village"))
    version = models.PositiveIntegerField(_("version"))
    match_run = models.ForeignKey(MatchRun, models.PROTECT, null=True, blank=True, related_name="prelists",
                                  verbose_name=_("match run"))
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("frozen by"))

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["update_period", "region", "version"], name="prelist_version")]
        verbose_name = _("prelist")
        verbose_name_plural = _("prelists")

    def __str__(self):
        return f"Prelist {self.region_id} v{self.version}"


class PrelistEntryQuerySet(RegionScopedQuerySet):
    region_field = "prelist__region_id"

    def current(self):
        """Limit to the entries no newer prelist version took over (the ones field teams work from)."""
        return self.filter(superseded_by__isnull=True)


class PrelistEntry(models.Model):
    """One household to verify: a registration, a registry household, or both, with what to check."""

    prelist = models.ForeignKey(Prelist, models.CASCADE, related_name="entries", verbose_name=_("prelist"))
    registration = models.ForeignKey("registration.Registration", models.PROTECT, null=True, blank=True,
                                     related_name="prelist_entries", verbose_name=_("registration"))
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True,
                                  related_name="prelist_entries", verbose_name=_("registry household"))
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    changes = models.TextField(_("what to check"), blank=True, help_text=_("`;`-separated"))
    review = models.BooleanField(_("needs review"), default=False)
    superseded_by = models.ForeignKey(Prelist, models.SET_NULL, null=True, blank=True,
                                      related_name="superseded_entries", verbose_name=_("replaced by"),
                                      help_text=_("The newer prelist version that took this household over."))

    objects = PrelistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["prelist_id", "pk"]
        constraints = [models.CheckConstraint(
            condition=models.Q(registration__isnull=False) | models.Q(household__isnull=False),
            name="prelist_entry_has_subject")]
        verbose_name = _("prelist entry")
        verbose_name_plural = _("prelist entries")

    def __str__(self):
        return f"{self.prelist} #{self.pk} {self.category}"


class ResultQuerySet(RegionScopedQuerySet):
    region_field = "registration__region_id"

    def to_review(self):
        """Return the results flagged for clerical review."""
        return self.filter(review=True)


class MatchResult(models.Model):
    """The decision of one match run on one registration: its registry household and category."""

    run = models.ForeignKey(MatchRun, models.CASCADE, related_name="results", verbose_name=_("match run"))
    registration = models.ForeignKey("registration.Registration", models.PROTECT, related_name="match_results",
                                     verbose_name=_("registration"))
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("registry household"))
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    changes = models.TextField(_("changes"), blank=True, help_text=_("`;`-separated"))
    review = models.BooleanField(_("needs review"), default=False)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["run_id", "registration_id"]
        constraints = [models.UniqueConstraint(fields=["run", "registration"], name="match_result_once")]
        verbose_name = _("match result")
        verbose_name_plural = _("match results")

    def __str__(self):
        return f"{self.run} {self.registration_id} {self.category}"


class MemberLink(models.Model):
    """A registered person and the registry person the run linked them to (none where new)."""

    result = models.ForeignKey(MatchResult, models.CASCADE, related_name="member_links", verbose_name=_("result"))
    registration_member = models.ForeignKey("registration.RegistrationMember", models.CASCADE, related_name="+",
                                            verbose_name=_("registered member"))
    member = models.ForeignKey("registry.Member", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("registry member"))
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    # The civil-registry check (padan Dukcapil) of the run's extract; empty when the run had none.
    civil_status = models.CharField(_("civil registry"), max_length=16, blank=True, choices=[
        ("matched", _("Found in the civil registry")), ("nik_mismatch", _("NIK differs from the civil registry")),
        ("not_found", _("Not found in the civil registry"))])
    civil_record_id = models.CharField(_("civil-registry record"), max_length=64, blank=True)

    class Meta:
        ordering = ["result_id", "registration_member_id"]
        verbose_name = _("member link")
        verbose_name_plural = _("member links")

    def __str__(self):
        return f"{self.registration_member_id} -> {self.member_id}"


class DecisionQuerySet(RegionScopedQuerySet):
    region_field = "registration__region_id"


class ReviewDecision(models.Model):
    """A person's decision on a pair of the review queue; accept and reject bind the next runs."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept: same household")
        REJECT = "reject", _("Reject: different households")
        DEFER = "defer", _("Defer")

    result = models.ForeignKey(MatchResult, models.CASCADE, related_name="decisions", verbose_name=_("result"))
    registration = models.ForeignKey("registration.Registration", models.PROTECT, related_name="+",
                                     verbose_name=_("registration"))
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("registry household"))
    decision = models.CharField(_("decision"), max_length=6, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")

    def __str__(self):
        return f"{self.registration_id}/{self.household_id}: {self.decision}"


class DedupRun(models.Model):
    """One search for likely duplicate people and households in a district's registry."""

    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("district"))
    job = models.OneToOneField("core.JobRun", models.PROTECT, null=True, blank=True, related_name="dedup_run")
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")

    def __str__(self):
        return f"{_('Duplicate search')} #{self.pk}"


class ClusterQuerySet(RegionScopedQuerySet):
    region_field = "run__region_id"


class DuplicateCluster(models.Model):
    """Registry records (people, or households) a duplicate search found to be likely one, and the decision.

    `key` names the records (kind and sorted ids, hashed): a cluster marked distinct is not proposed
    again by later searches while it holds the same records.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("People")
        HOUSEHOLD = "household", _("Households")

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DUPLICATE = "duplicate", _("Duplicate: extra records ended")
        DISTINCT = "distinct", _("Distinct: not duplicates")

    run = models.ForeignKey(DedupRun, models.CASCADE, related_name="clusters", verbose_name=_("duplicate search"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=64, db_index=True)
    probability = models.FloatField(_("match probability"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    kept = models.CharField(_("record kept"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["run_id", "-probability", "pk"]
        verbose_name = _("duplicate cluster")
        verbose_name_plural = _("duplicate clusters")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} {self.status}"


class DuplicateRecord(models.Model):
    """One record of a cluster: a registry household, and for a person cluster the member."""

    cluster = models.ForeignKey(DuplicateCluster, models.CASCADE, related_name="records", verbose_name=_("cluster"))
    household = models.ForeignKey("registry.Household", models.PROTECT, related_name="+",
                                  verbose_name=_("registry household"))
    member = models.ForeignKey("registry.Member", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("registry member"))

    class Meta:
        ordering = ["cluster_id", "pk"]
        verbose_name = _("duplicate record")
        verbose_name_plural = _("duplicate records")

    def __str__(self):
        return f"{self.cluster_id}: {self.member_id or self.household_id}"
