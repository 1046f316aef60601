"""Cross-cutting records: who looked at whose personal data."""

import getpass
import shlex
import socket
import sys

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PersonalDataAccess(models.Model):
    """One view, reveal or export of personal data, kept for audit (UU 27/2022 PDP).

    Made in the app, it names the user; made by a management command on the server (an export to a
    file), it names the server account and keeps the command line as the reason.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        REVEAL = "reveal", _("Reveal full value")
        EXPORT = "export", _("Export")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                             verbose_name=_("user"))
    operator = models.CharField(_("server account"), max_length=100, blank=True)
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
        return f"{self.user or self.operator} {self.action} {self.object_type}:{self.object_id}"

    @classmethod
    def record(cls, request, action, obj, *, fields="", reason=""):
        return cls.objects.create(
            user=request.user, action=action, object_type=obj._meta.model_name, object_id=str(obj.pk),
            fields=fields, reason=reason[:255], client=request.META.get("REMOTE_ADDR") or None,
        )

    @classmethod
    def record_command(cls, action, object_type: str, object_id, *, fields=""):
        """Log personal data written to a file by a management command (`mutakhir registry export`...).

        Whoever has a shell on the server can read the database anyway; the log still says which account
        took which data out, when and with which command (identity numbers in it masked).
        """
        from .logging import mask_identity_numbers

        command = mask_identity_numbers(shlex.join(["mutakhir", *sys.argv[1:]]))
        return cls.objects.create(
            user=None, operator=f"{getpass.getuser()}@{socket.gethostname()}"[:100], action=action,
            object_type=object_type, object_id=str(object_id)[:40], fields=fields[:200], reason=command[:255],
        )


class JobRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Limit to jobs started for a region inside the user's scope."""
        from mutakhir.accounts.scope import filter_visible

        return filter_visible(self, user, "region_code")


class JobRun(models.Model):
    """One long piece of background work (a match, a ranking run, an import), with its progress.

    The web request creates the row and enqueues a task on commit; the task claims the row by
    compare-and-set, so a task delivered twice runs once. Errors stay on the row. A running job beats
    (`heartbeat_at`) while its process lives; one whose beat has stopped was killed with its process and is
    marked interrupted by the sweep (core/jobs.py), so it neither blocks a new run nor spins forever.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", pgettext_lazy("job state", "Interrupted")

    kind = models.CharField(_("kind"), max_length=40)
    region_code = models.CharField(_("region"), max_length=10, blank=True, db_index=True)
    config = models.JSONField(_("configuration"), default=dict)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    worker = models.CharField(_("worker process"), max_length=120, blank=True,
                              help_text=_("host:pid of the process that claimed the job"))

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED, self.State.INTERRUPTED}

    @property
    def percent(self) -> int | None:
        return int(100 * self.done / self.total) if self.total else None


class ApiUpload(models.Model):
    """A large file sent through the API in chunks (resumable): created, written at offsets, then completed.

    The file waits in var/uploads/api/ (0600) until `complete` checks its size and SHA-256 and hands it to
    the same service the upload page uses, which starts that page's job.
    """

    class Kind(models.TextChoices):
        CIVIL_EXTRACT = "civil_extract", _("Civil-registry extract")
        SIGNALS = "signals", _("Agency signal file")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agency = models.CharField(_("agency"), max_length=20, blank=True)
    filename = models.CharField(_("file name"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    received = models.PositiveBigIntegerField(_("bytes received"), default=0)
    path = models.CharField(_("file"), max_length=500)
    region_code = models.CharField(_("region"), max_length=10, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    job = models.ForeignKey(JobRun, models.SET_NULL, null=True, blank=True, related_name="+")
    result_id = models.PositiveBigIntegerField(_("import"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API upload")
        verbose_name_plural = _("API uploads")

    def __str__(self):
        return f"{self.kind} {self.filename}"
