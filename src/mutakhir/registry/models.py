"""The registry: the unified database (BDT/DTKS) as Mutakhir holds it.

Nothing is hard-deleted: a household or member that leaves ends with a reason. Every change is kept
in its history table (django-simple-history: who, when, old and new values, why).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible

from . import codes


class EndReason(models.TextChoices):
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved away")
    MERGED = "merged", _("Merged into another household")
    DUPLICATE = "duplicate", _("Duplicate record")
    SPLIT = "split", _("Household split")
    OTHER = "other", _("Other")


class UpdatePeriod(models.Model):
    """One round of MPM in one district."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The stage deadlines the district sets, in stage order (services.check_period_dates).
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    identification_deadline = models.DateField(_("identification deadline"), null=True, blank=True)
    verification_deadline = models.DateField(_("verification deadline"), null=True, blank=True)
    decree_deadline = models.DateField(_("decree deadline"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.UniqueConstraint(fields=["region"], condition=models.Q(status="open"),
                                               name="one_open_period_per_district")]
        verbose_name = _("update period")
        verbose_name_plural = _("update periods")

    def __str__(self):
        return self.name


def _code(field_name, code_list, verbose):
    return models.PositiveSmallIntegerField(verbose, choices=code_list.choices, null=True, blank=True,
                                            help_text=code_list.item and _("Form item %s") % code_list.item)


def _flag(verbose):
    return models.BooleanField(verbose, null=True, blank=True)


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to households inside the user's region scope."""
        return filter_visible(self, user, "region_id")

    def active(self):
        return self.filter(ended_at__isnull=True)


class Household(models.Model):
    household_id = models.CharField(_("household ID"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name=_("village"),
                               db_column="region_code", related_name="households")
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField("RT", max_length=5, blank=True)
    rw = models.CharField("RW", max_length=5, blank=True)
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    tenure = _code("tenure", codes.TENURE, _("tenure"))
    land_title = _code("land_title", codes.LAND_TITLE, _("land title"))
    floor_material = _code("floor_material", codes.FLOOR, _("floor"))
    wall_material = _code("wall_material", codes.WALL, _("wall"))
    roof_material = _code("roof_material", codes.ROOF, _("roof"))
    water_source = _code("water_source", codes.WATER, _("drinking water"))
    lighting = _code("lighting", codes.LIGHTING, _("lighting"))
    electricity_power = _code("electricity_power", codes.POWER, _("installed power"))
    cooking_fuel = _code("cooking_fuel", codes.COOKING_FUEL, _("cooking fuel"))
    toilet = _code("toilet", codes.TOILET, _("toilet facility"))
    toilet_type = _code("toilet_type", codes.TOILET_TYPE, _("toilet type"))
    sewage = _code("sewage", codes.SEWAGE, _("faeces disposal"))
    has_gas_cylinder = _flag(_("gas cylinder ≥ 5.5 kg"))
    has_refrigerator = _flag(_("refrigerator"))
    has_ac = _flag(_("air conditioner"))
    has_motorcycle = _flag(_("motorcycle"))
    has_car = _flag(_("car"))
    has_boat = _flag(_("boat"))
    has_gold = _flag(_("gold ≥ 10 g"))
    owns_land = _flag(_("other land"))
    livestock = models.PositiveIntegerField(_("large livestock"), null=True, blank=True)
    update_period = models.ForeignKey(UpdatePeriod, models.PROTECT, null=True, blank=True,
                                      verbose_name=_("update period"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=12, choices=EndReason.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("For optimistic locking."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["household_id"]
        # Paging one region's households in household_id order (search) without scanning the rest.
        indexes = [models.Index(fields=["region", "household_id"], name="household_region_id_idx")]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.household_id


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to members of households inside the user's region scope."""
        return filter_visible(self, user, "household__region_id")

    def active(self):
        return self.filter(ended_at__isnull=True)


class Member(models.Model):
    record_id = models.CharField(_("record ID"), max_length=40, unique=True)
    household = models.ForeignKey(Household, models.PROTECT, related_name="members", verbose_name=_("household"))
    nik = models.CharField("NIK", max_length=16, blank=True, db_index=True)
    kk = models.CharField(_("family card no. (KK)"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    name_key = models.CharField(_("search key"), max_length=120, db_index=True, editable=False)
    sex = _code("sex", codes.SEX, _("sex"))
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=80, blank=True)
    relation = _code("relation", codes.RELATION, _("relation to head"))
    marital_status = _code("marital_status", codes.MARITAL_STATUS, _("marital status"))
    school_attendance = _code("school_attendance", codes.SCHOOL_ATTENDANCE, _("school attendance"))
    education = _code("education", codes.EDUCATION, _("education"))
    work_status = _code("work_status", codes.WORK_STATUS, _("work status"))
    work_sector = _code("work_sector", codes.WORK_SECTOR, _("work sector"))
    disability = _code("disability", codes.DISABILITY, _("disability"))
    chronic_illness = _code("chronic_illness", codes.CHRONIC_ILLNESS, _("chronic illness"))
    pregnant = _code("pregnant", codes.PREGNANT, _("pregnant"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=12, choices=EndReason.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "name_key"])
    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["household_id", "relation", "record_id"]
        # Name search reads household ids straight from this index (prefix match on PostgreSQL too).
        indexes = [models.Index(fields=["name_key", "household"], name="member_name_household_idx",
                                opclasses=["varchar_pattern_ops", "int8_ops"])]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.record_id

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


def name_key(name: str) -> str:
    """Return the upper-case, single-spaced, punctuation-free form used for name search."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in (name or "").upper())
    return " ".join(cleaned.split())[:120]


class ImportBatch(models.Model):
    """One run of `registry import`: which dataset, how it went, what it changed.

    The batch row is committed before any data, and its counters are updated in the same transaction
    as each batch of rows, so after a crash it tells how far the import got (`running` forever).
    """

    class Mode(models.TextChoices):
        VALID_ROWS = "valid-rows", _("Valid rows")
        ALL_OR_NOTHING = "all-or-nothing", _("All or nothing")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        PARTIAL = "partial", _("Done, some rows rejected")
        FAILED = "failed", _("Failed, nothing imported")
        INTERRUPTED = "interrupted", _("Interrupted")

    dataset_sha256 = models.CharField(_("dataset SHA-256"), max_length=64, db_index=True)
    source = models.CharField(_("source"), max_length=255)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    update_period = models.ForeignKey(UpdatePeriod, models.PROTECT, null=True, blank=True,
                                      verbose_name=_("update period"))
    user = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, verbose_name=_("user"))
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    households_updated = models.PositiveIntegerField(_("households updated"), default=0)
    households_unchanged = models.PositiveIntegerField(_("households unchanged"), default=0)
    households_rejected = models.PositiveIntegerField(_("households rejected"), default=0)
    members_created = models.PositiveIntegerField(_("members created"), default=0)
    members_updated = models.PositiveIntegerField(_("members updated"), default=0)
    members_unchanged = models.PositiveIntegerField(_("members unchanged"), default=0)
    members_rejected = models.PositiveIntegerField(_("members rejected"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    errors_summary = models.TextField(_("first errors"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self):
        return f"{self.source} ({self.dataset_sha256[:12]})"

    @property
    def change_reason(self) -> str:
        """Return the reason written on every history row this import creates."""
        return f"import {self.dataset_sha256[:12]}"


class DistrictKey(models.Model):
    """A district's public signing key, trusted by the national side to check the district's packages."""

    district = models.CharField(_("district"), max_length=4, db_index=True)
    public_key = models.CharField(_("public key"), max_length=64)
    fingerprint = models.CharField(_("fingerprint"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("trusted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["district", "-created_at"]
        verbose_name = _("district signing key")
        verbose_name_plural = _("district signing keys")

    def __str__(self):
        return f"{self.district} {self.fingerprint}"


class PackageSubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to packages of districts inside the user's scope."""
        return filter_visible(self, user, "district")


class PackageSubmission(models.Model):
    """A district package in the national inbox: checked on receipt, then applied or refused."""

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("package", "Received")
        APPLIED = "applied", _("Applied to the registry")
        REFUSED = "refused", pgettext_lazy("package", "Refused")

    sha256 = models.CharField(_("package SHA-256"), max_length=64, unique=True)
    district = models.CharField(_("district"), max_length=4, db_index=True)
    decree_number = models.CharField(_("decree number"), max_length=80)
    file = models.CharField(_("file"), max_length=255)
    key_fingerprint = models.CharField(_("signing key"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)
    dry_run = models.JSONField(_("dry run"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    job = models.ForeignKey("core.JobRun", models.SET_NULL, null=True, blank=True, related_name="+")
    received_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    decided_by = models.ForeignKey("accounts.User", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = PackageSubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("received package")
        verbose_name_plural = _("received packages")

    def __str__(self):
        return f"{self.decree_number} ({self.sha256[:12]})"
