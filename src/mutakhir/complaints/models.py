"""Complaints (sanggah/usul): a citizen objects to a listed recipient, asks to be registered, or reports an error.

A complaint carries a public ticket number and a follow code; only the code's keyed hash is stored.
Status changes go through `flows.py` and `services.py` only; every change is kept in the history table.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible
from mutakhir.core.evidence import Located, photo_field
from mutakhir.registration.status import mask_name


def sla_days() -> int:
    return int(getattr(settings, "COMPLAINT_SLA_DAYS", 14))


class Kind(models.TextChoices):
    OBJECTION = "objection", _("Objection to a listed recipient")
    REGISTRATION = "registration", _("Request to be registered")
    CORRECTION = "correction", _("Data correction")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_REVIEW = "in_review", _("In review")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_REVIEW)


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to complaints about villages inside the user's region scope."""
        return filter_visible(self, user, "region_id")

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None):
        """Return open complaints whose SLA due date has passed."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Complaint(Located, models.Model):
    ticket = models.CharField(_("ticket number"), max_length=24, unique=True)
    follow_hash = models.CharField(_("follow code hash"), max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", models.PROTECT, verbose_name=_("village"), db_column="region_code",
                               related_name="complaints")
    complainant_name = models.CharField(_("complainant name"), max_length=120, blank=True)
    complainant_phone = models.CharField(_("complainant phone"), max_length=20, blank=True)
    complainant_nik = models.CharField(_("complainant NIK"), max_length=16, blank=True)
    subject_name = models.CharField(_("person or household concerned"), max_length=120, blank=True)
    subject_address = models.CharField(_("their address"), max_length=255, blank=True)
    text = models.TextField(_("complaint"), max_length=2000)
    photo = photo_field(_("photo"), "complaint")
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True,
                                  related_name="complaints", verbose_name=_("household"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned to"))
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    registration = models.ForeignKey("registration.Registration", models.PROTECT, null=True, blank=True,
                                     related_name="complaints", verbose_name=_("re-verification registration"))
    late_objection = models.BooleanField(_("objection after the window"), default=False,
                                         help_text=_("Filed after the prelist's objection window closed."))

    history = HistoricalRecords()
    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return self.ticket

    PHOTOS = ("photo",)

    @property
    def masked_complainant(self) -> str:
        """Return the complainant's name as initials and stars, for lists."""
        return mask_name(self.complainant_name)

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < timezone.localdate()


class TicketCounter(models.Model):
    """The last complaint serial per district and year (ADU-1901-2025-000042), taken under a row lock."""

    district = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="complaint_ticket_counter")]

    def __str__(self):
        return f"{self.district}/{self.year}: {self.last}"
