"""Stage 3, field verification: one Verification per prelist entry, and imports of ODK/Kobo submissions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible
from mutakhir.core.evidence import Located, photo_field


class Status(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class Outcome(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    MOVED = "moved", _("Household moved")
    NOT_FOUND = "not_found", _("Not found")
    REFUSED = "refused", _("Refused")
    SPLIT = "split", _("Household split (new KK)")
    MERGED = "merged", _("Merged into another household")


class MemberStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    NEW = "new", _("New member")
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved away")
    SPLIT = "split", _("Moved to the new household (split)")


class Source(models.TextChoices):
    WEB = "web", _("Web form")
    ODK = "odk", _("ODK/KoboCollect")


class VerificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to verifications of villages inside the user's region scope."""
        return filter_visible(self, user, "region_id")


def subject_fields(entry) -> dict:
    """Return the keys a verification of `entry` stores: its update period, registration and registry household."""
    return {"update_period_id": entry.prelist.update_period_id, "registration_id": entry.registration_id,
            "household_id": entry.household_id}


class Verification(Located, models.Model):
    entry = models.OneToOneField("identification.PrelistEntry", models.PROTECT, related_name="verification",
                                 verbose_name=_("prelist entry"))
    region = models.ForeignKey("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                               verbose_name=_("village"))
    # The household's keys, copied from the entry so the database holds one verification per household and period
    update_period = models.ForeignKey("registry.UpdatePeriod", models.PROTECT, related_name="+",
                                      verbose_name=_("update period"))
    registration = models.ForeignKey("registration.Registration", models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("registration"))
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("registry household"))
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="verifications",
                                 verbose_name=_("verifier"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED,
                              db_index=True)
    outcome = models.CharField(_("visit outcome"), max_length=10, choices=Outcome.choices, blank=True)
    moved_to = models.CharField(_("moved to"), max_length=255, blank=True)
    merged_into = models.CharField(_("merged into household"), max_length=40, blank=True)
    new_kk = models.CharField(_("new family card no. (KK)"), max_length=16, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    visited_on = models.DateField(_("visit date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=5, choices=Source.choices, default=Source.WEB)
    instance_id = models.CharField(_("ODK instance ID"), max_length=80, null=True, blank=True, unique=True)
    form_version = models.CharField(_("form version"), max_length=40, blank=True)
    photo_front = photo_field(_("photo: front of the house"), "verification")
    photo_inside = photo_field(_("photo: inside the house"), "verification")
    return_reason = models.CharField(_("reason returned"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("For optimistic locking."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = VerificationQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["update_period", "registration"], name="verification_once_per_registration",
                                    condition=models.Q(registration__isnull=False)),
            models.UniqueConstraint(fields=["update_period", "household"], name="verification_once_per_household",
                                    condition=models.Q(household__isnull=False)),
        ]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self):
        return f"{_('Verification')} #{self.pk}"

    PHOTOS = ("photo_front", "photo_inside")

    def save(self, *args, **kwargs):
        if self.update_period_id is None:  # a new verification takes its household's keys from its entry
            for name, value in subject_fields(self.entry).items():
                setattr(self, name, value)
        super().save(*args, **kwargs)

    @property
    def subject_key(self) -> str:
        """Return the household's key: its registry household ID, or the registration number."""
        entry = self.entry
        return entry.household.household_id if entry.household_id else entry.registration.number


class SubmissionImport(models.Model):
    """One import of ODK Central/Kobo submissions, with its row-level report."""

    sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    source = models.CharField(_("file"), max_length=255)
    form_version = models.CharField(_("form version"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("user"))
    applied = models.PositiveIntegerField(_("applied"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission import")
        verbose_name_plural = _("submission imports")

    def __str__(self):
        return f"{self.source} ({self.sha256[:12]})"
