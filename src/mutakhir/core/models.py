"""Cross-cutting records: who looked at whose personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """One view, reveal or export of personal data, kept for audit (UU 27/2022 PDP)."""

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        REVEAL = "reveal", _("Reveal full value")
        EXPORT = "export", _("Export")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, verbose_name=_("user"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object ID"), max_length=40)
    fields = models.CharField(_("fields"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    client = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self):
        return f"{self.user} {self.action} {self.object_type}:{self.object_id}"

    @classmethod
    def record(cls, request, action, obj, *, fields="", reason=""):
        return cls.objects.create(
            user=request.user, action=action, object_type=obj._meta.model_name, object_id=str(obj.pk),
            fields=fields, reason=reason[:255], client=request.META.get("REMOTE_ADDR") or None,
        )
