"""Stage 1, registration: one application per household, its members, PSM visits and Musdes records.

Every registration records its channel, who entered it and when; every change is kept in its history
table (django-simple-history). Status changes go through `flows.py` and `services.py` only.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible
from mutakhir.registry import codes
from mutakhir.registry.models import Household, Member, name_key

# Household characteristics shared with registry.Household (same names, same code lists).
HOUSEHOLD_CODE_FIELDS = ("tenure", "land_title", "floor_material", "wall_material", "roof_material", "water_source",
                         "lighting", "electricity_power", "cooking_fuel", "toilet", "toilet_type", "sewage")
HOUSEHOLD_FLAG_FIELDS = ("has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat",
                         "has_gold", "owns_land")
HOUSEHOLD_FIELDS = ("address", "rt", "rw", "floor_area_m2", *HOUSEHOLD_CODE_FIELDS, *HOUSEHOLD_FLAG_FIELDS,
                    "livestock")
MEMBER_CODE_FIELDS = ("sex", "relation", "marital_status", "school_attendance", "education", "work_status",
                      "work_sector", "disability", "chronic_illness", "pregnant")
MEMBER_FIELDS = ("nik", "kk", "name", "birth_date", "birth_place", *MEMBER_CODE_FIELDS)


def _code(field):
    """Return a nullable small-integer field whose choices come from registry.codes (one place)."""
    code_list = codes.BY_FIELD[field]
    model = Household if field in HOUSEHOLD_CODE_FIELDS else Member
    verbose = model._meta.get_field(field).verbose_name
    return models.PositiveSmallIntegerField(verbose, choices=code_list.choices, null=True, blank=True)


def _flag(field):
    return models.BooleanField(Household._meta.get_field(field).verbose_name, null=True, blank=True)


class Channel(models.TextChoices):
    ACTIVE = "aktif", _("Active (at the village office)")
    PASSIVE = "pasif", _("Passive (PSM visit)")
    MUSDES = "musdes", _("Village deliberation (Musdes)")
    IMPORT = "import", _("Bulk import")
    API = "api", _("API")
    COMPLAINT = "complaint", _("Complaint")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_IDENTIFICATION = "in_identification", _("In identification")
    IN_VERIFICATION = "in_verification", _("In verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class IdDocument(models.TextChoices):
    KTP = "ktp", _("Identity card (KTP)")
    KK = "kk", _("Family card (KK)")
    OTHER = "other", _("Other document")


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to registrations of villages inside the user's region scope."""
        return filter_visible(self, user, "region_id")


class Musdes(models.Model):
    """One village deliberation (Musyawarah Desa/Kelurahan) and the households it proposed."""

    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name=_("village"), db_column="region_code",
                               related_name="+")
    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, verbose_name=_("update period"),
                                      related_name="+")
    held_on = models.DateField(_("held on"))
    attendance = models.PositiveIntegerField(_("attendance"), validators=[MaxValueValidator(100_000)])
    minutes = models.FileField(_("minutes (PDF)"), upload_to="registration/musdes/%Y/", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    history = HistoricalRecords()
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("village deliberation (Musdes)")
        verbose_name_plural = _("village deliberations (Musdes)")

    def __str__(self):
        return f"Musdes {self.region_id} {self.held_on}"


class Registration(models.Model):
    number = models.CharField(_("registration number"), max_length=24, unique=True)
    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, verbose_name=_("update period"),
                                      related_name="registrations")
    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name=_("village"), db_column="region_code",
                               related_name="registrations")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    consent = models.BooleanField(_("consent to data processing"), default=False)
    id_document_seen = models.CharField(_("identity document seen"), max_length=5, choices=IdDocument.choices,
                                        blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField("RT", max_length=5, blank=True)
    rw = models.CharField("RW", max_length=5, blank=True)
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(0)])
    tenure, land_title, floor_material, wall_material, roof_material, water_source = (
        _code(f) for f in HOUSEHOLD_CODE_FIELDS[:6])
    lighting, electricity_power, cooking_fuel, toilet, toilet_type, sewage = (
        _code(f) for f in HOUSEHOLD_CODE_FIELDS[6:])
    has_gas_cylinder, has_refrigerator, has_ac, has_motorcycle, has_car, has_boat, has_gold, owns_land = (
        _flag(f) for f in HOUSEHOLD_FLAG_FIELDS)
    livestock = models.PositiveIntegerField(_("large livestock"), null=True, blank=True)
    # Passive channel: the PSM's visit.
    visit_date = models.DateField(_("visit date"), null=True, blank=True)
    visit_lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-90), MaxValueValidator(90)])
    visit_lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    reason_proposed = models.TextField(_("reason proposed"), blank=True, max_length=2000)
    musdes = models.ForeignKey(Musdes, models.PROTECT, null=True, blank=True, related_name="registrations",
                               verbose_name=_("village deliberation"))
    # Bulk import: the dataset's own household id, unique per period, so a re-upload creates no duplicate.
    source_key = models.CharField(_("source household ID"), max_length=80, blank=True)
    import_run = models.ForeignKey("RegistrationImport", models.PROTECT, null=True, blank=True,
                                   related_name="registrations", verbose_name=_("import"))
    status_note = models.CharField(_("status note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("For optimistic locking."))

    history = HistoricalRecords()
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-entered_at", "-pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["update_period", "source_key"], name="registration_source_key",
                                               condition=~models.Q(source_key=""))]

    def __str__(self):
        return self.number

    @property
    def head(self):
        return next((m for m in self.members.all() if m.relation == 1), None)


class RegistrationMember(models.Model):
    registration = models.ForeignKey(Registration, models.CASCADE, related_name="members",
                                     verbose_name=_("registration"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source_key = models.CharField(_("source record ID"), max_length=40, blank=True)
    nik = models.CharField("NIK", max_length=16, blank=True, db_index=True)
    kk = models.CharField(_("family card no. (KK)"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    name_key = models.CharField(_("search key"), max_length=120, db_index=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=80, blank=True)
    sex, relation, marital_status, school_attendance, education = (_code(f) for f in MEMBER_CODE_FIELDS[:5])
    work_status, work_sector, disability, chronic_illness, pregnant = (_code(f) for f in MEMBER_CODE_FIELDS[5:])

    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        ordering = ["registration_id", "position", "pk"]
        verbose_name = _("registered member")
        verbose_name_plural = _("registered members")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class NumberCounter(models.Model):
    """The last registration serial per district and year (REG-1901-2025-000123), taken under a row lock."""

    district = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="registration_counter")]

    def __str__(self):
        return f"{self.district}/{self.year}: {self.last}"


class ImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to imports into update periods of districts inside the user's scope."""
        return filter_visible(self, user, "update_period__region_id")


class RegistrationImport(models.Model):
    """One bulk import of registrations: dataset digest, counts, and the row-level error report."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        PARTIAL = "partial", _("Done, some rows rejected")
        FAILED = "failed", _("Failed, nothing imported")

    dataset_sha256 = models.CharField(_("dataset SHA-256"), max_length=64, db_index=True)
    source = models.CharField(_("file"), max_length=255)
    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, related_name="+",
                                      verbose_name=_("update period"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    created = models.PositiveIntegerField(_("registrations created"), default=0)
    already = models.PositiveIntegerField(_("already imported"), default=0)
    rejected = models.PositiveIntegerField(_("households rejected"), default=0)
    duplicates = models.PositiveIntegerField(_("suspected duplicates"), default=0,
                                             help_text=_("Households the duplicate guard reported."))
    errors = models.PositiveIntegerField(_("errors"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    message = models.TextField(_("message"), blank=True)
    report = models.FileField(_("error report"), upload_to="registration/imports/", blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("registration import")
        verbose_name_plural = _("registration imports")

    def __str__(self):
        return f"{self.source} ({self.dataset_sha256[:12]})"


class TokenPurpose(models.TextChoices):
    """What a token may be used for: one system, one job, so a leaked key opens one door only."""

    REGISTRATIONS = "registrations", _("Registrations from a village system")
    LISTS = "lists", _("Beneficiary lists for a program system")
    FEEDS = "feeds", _("Civil-registry and agency feeds")
    PACKAGES = "packages", _("District and national packages")


API_TOKEN_DAYS = 90  # default lifetime; a token never lives longer than API_TOKEN_MAX_DAYS
API_TOKEN_MAX_DAYS = 365


def default_token_expiry():
    return timezone.now() + timedelta(days=API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; it acts with its user's role and scope, for one purpose.

    It lapses at `expires_at` and once revoked; `per_minute` bounds its requests (registration/tokens.py).
    A `lists` token is bound to one program: a program system reads its own program's lists only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80, blank=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=TokenPurpose.choices,
                               default=TokenPurpose.REGISTRATIONS)
    program = models.ForeignKey("targeting.Program", models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("program"))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    per_minute = models.PositiveIntegerField(_("requests per minute"), default=60,
                                             validators=[MinValueValidator(1), MaxValueValidator(6000)])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=default_token_expiry)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyKey(models.Model):
    """The stored answer to a create request, replayed when the same key and body come again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="registration_idempotency_key")]

    def __str__(self):
        return self.key
