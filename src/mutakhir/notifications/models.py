"""Telling citizens where their registration or complaint stands: the district's switch, contacts, the outbox.

`Message` is the outbox: one row per event, recipient and channel, unique by `key`, so an event noticed
twice (a sweep that runs again, two workers) is stored and sent once. Rows are written in the same
transaction as the change they announce (or by the stage sweep), and sent later by the worker
(`delivery.py`), with retries and backoff. `OptOut` holds the addresses that asked to hear nothing more.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mutakhir.accounts.scope import filter_visible


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class PhoneChannel(models.TextChoices):
    NONE = "", _("none")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class NotificationSettings(models.Model):
    """A district's switch: whether its citizens are told, on which channels, and its objection window."""

    region = models.OneToOneField("regions.Region", models.PROTECT, db_column="region_code", related_name="+",
                                  verbose_name=_("district"))
    enabled = models.BooleanField(_("send notifications"), default=False)
    phone_channel = models.CharField(_("channel for phone numbers"), max_length=10, choices=PhoneChannel.choices,
                                     default=PhoneChannel.SMS, blank=True)
    email = models.BooleanField(_("send e-mail"), default=True)
    objection_days = models.PositiveSmallIntegerField(
        _("objection window (days after the prelist is frozen)"), default=14,
        help_text=_("Objections filed within it go to the TKSK of the sub-district; later ones are marked late."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district notification settings")
        verbose_name_plural = _("district notification settings")

    def __str__(self):
        return str(self.region_id)


class Contact(models.Model):
    """Where a registrant wants to hear about their registration: a phone number, an e-mail address, or both."""

    registration = models.OneToOneField("registration.Registration", models.CASCADE, related_name="contact",
                                        verbose_name=_("registration"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notified_stage = models.CharField(_("last stage told"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return str(self.registration_id)


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to messages of villages inside the user's region scope."""
        return filter_visible(self, user, "region_code")


class Message(models.Model):
    """One message of the outbox: what is said to whom, through which channel, and how sending went."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    key = models.CharField(_("key"), max_length=200, unique=True)
    region_code = models.CharField(_("village"), max_length=10, db_index=True)
    event = models.CharField(_("event"), max_length=40)
    reference = models.CharField(_("reference"), max_length=24)  # the registration number or complaint ticket
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    body = models.TextField(_("message"), max_length=1000)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.CharField(_("why"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_due")]

    def __str__(self):
        return self.key


class OptOut(models.Model):
    """An address (phone or e-mail) whose owner asked to receive no more messages, and when and how."""

    recipient = models.CharField(_("recipient"), max_length=254, unique=True)
    reference = models.CharField(_("reference"), max_length=24)
    created_at = models.DateTimeField(_("stopped at"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self):
        return self.recipient
