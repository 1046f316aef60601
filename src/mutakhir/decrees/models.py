"""The district head's decree (SK) legalising accepted verifications, and packages received nationally."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible


class DecreeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to decrees of districts inside the user's scope."""
        return filter_visible(self, user, "region_id")


class Decree(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("district"))
    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, related_name="decrees",
                                      verbose_name=_("update period"))
    number = models.CharField(_("decree number"), max_length=80, unique=True)
    date = models.DateField(_("decree date"))
    considerations = models.TextField(_("considerations (Menimbang)"), max_length=4000, blank=True)
    legal_basis = models.TextField(_("legal basis"), max_length=4000)
    signer_name = models.CharField(_("signer"), max_length=120)
    signer_title = models.CharField(_("signer's title"), max_length=120)
    place = models.CharField(_("place of signing"), max_length=80, blank=True)
    corrects = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("corrects decree"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    verifications = models.ManyToManyField("verification.Verification", through="DecreeItem", related_name="decrees")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("compiled by"))
    created_at = models.DateTimeField(_("compiled at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    annex = models.BinaryField(_("annex (XLSX)"), null=True, blank=True, editable=False)
    annex_sha256 = models.CharField(_("annex SHA-256"), max_length=64, blank=True)

    history = HistoricalRecords(excluded_fields=["pdf", "annex"])
    objects = DecreeQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("decree (SK)")
        verbose_name_plural = _("decrees (SK)")

    def __str__(self):
        return self.number

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class DecreeItem(models.Model):
    decree = models.ForeignKey(Decree, models.CASCADE, related_name="items")
    verification = models.ForeignKey("verification.Verification", models.PROTECT, related_name="decree_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decree", "verification"], name="decree_item_once")]

    def __str__(self):
        return f"{self.decree_id}:{self.verification_id}"


class PackageImport(models.Model):
    """One district package merged into the registry at the national level; a package merges once."""

    sha256 = models.CharField(_("package SHA-256"), max_length=64, unique=True)
    decree_number = models.CharField(_("decree number"), max_length=80)
    district = models.CharField(_("district"), max_length=10)
    signer = models.CharField(_("signer"), max_length=255, blank=True)
    source = models.CharField(_("file"), max_length=255)
    counts = models.JSONField(_("counts"), default=dict)
    flags = models.JSONField(_("flags"), default=list, blank=True,
                             help_text=_("People of the package present in a registry household outside it."))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("package import")
        verbose_name_plural = _("package imports")

    def __str__(self):
        return f"{self.decree_number} ({self.sha256[:12]})"


class PackageDispatch(models.Model):
    """The district's record of a decree's package sent to the national team, and the answer it got."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received by the national team")
        APPLIED = "applied", _("Applied to the registry")
        REFUSED = "refused", pgettext_lazy("package", "Refused")

    decree = models.OneToOneField(Decree, models.PROTECT, related_name="dispatch", verbose_name=_("decree"))
    sha256 = models.CharField(_("package SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    reason = models.TextField(_("reason"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Between installations over the API (NATIONAL_INBOX an http(s) URL): the national submission's id and date.
    remote_id = models.PositiveBigIntegerField(_("national submission"), null=True, blank=True)
    received_at = models.DateTimeField(_("received by the national team at"), null=True, blank=True)

    class Meta:
        verbose_name = _("package sent")
        verbose_name_plural = _("packages sent")

    def __str__(self):
        return f"{self.decree_id} {self.status}"


class PackageAnswer(models.Model):
    """One answer the national team gave on a sent package, kept in order: the dispatch shows the last only."""

    dispatch = models.ForeignKey(PackageDispatch, models.CASCADE, related_name="answers",
                                 verbose_name=_("package sent"))
    status = models.CharField(_("status"), max_length=10, choices=PackageDispatch.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True,
                                       help_text=_("When the national team gave the answer, as it says."))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("answer on a package")
        verbose_name_plural = _("answers on a package")

    def __str__(self):
        return f"{self.dispatch_id} {self.status}"


class DistrictDecreeSettings(models.Model):
    """A district's standing text of its decrees (SK), kept by its operator: each new draft starts from it."""

    region = models.OneToOneField("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                                  verbose_name=_("district"))
    considerations = models.TextField(_("considerations (Menimbang)"), max_length=4000, blank=True,
                                      help_text=_("One consideration a line."))
    legal_bases = models.TextField(_("legal bases (Mengingat)"), max_length=4000, blank=True,
                                   help_text=_("One law or regulation a line."))
    number_template = models.CharField(_("numbering template"), max_length=80, default="400.9/{seq}/DINSOS/{year}",
                                       help_text=_("{seq} is the decree's sequence in the year, {year} the year."))
    signer_name = models.CharField(_("signatory's name"), max_length=120, blank=True)
    signer_title = models.CharField(_("signatory's office"), max_length=120, blank=True,
                                    help_text=_("Empty: the district head's office (e.g. BUPATI BANGKA)."))
    place = models.CharField(_("place of signing"), max_length=80, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district decree settings")
        verbose_name_plural = _("district decree settings")

    def __str__(self):
        return str(self.region_id)
