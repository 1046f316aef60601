"""Bulk import as a background job: keep the upload in a private folder, queue the job, run it, clean up.

The uploaded file holds personal data (NIK, KK, names): it is written under the app's var/ folder (not
MEDIA_ROOT, which may be served), readable by the app's user only, and deleted when the job ends,
whatever the outcome. One import per update period runs at a time, so two uploads of one file cannot
both pass the "already imported" check. An import job that is still reading after IMPORT_JOB_MAX_SECONDS
is stopped, so one file cannot hold the only worker (and the jobs queued behind it) for hours.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from mutakhir.core.jobs import start_job, sweep_stale_jobs
from mutakhir.core.models import JobRun
from mutakhir.core.privatefiles import write_private
from mutakhir.registry.models import UpdatePeriod

from .imports import import_registrations

JOB_KIND = "registration_import"


class ImportRefused(Exception):
    """An import that cannot start now; the message is for the user."""


def upload_folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "registration"


def save_upload(upload) -> Path:
    """Write an uploaded file to the private upload folder under a random name; return its path."""
    return write_private(upload_folder() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:8]}",
                         upload.chunks())


def _uploaded(path: str) -> Path:
    """Return the job's file, refusing a path outside the upload folder (the job deletes it)."""
    resolved = Path(path).resolve()
    if resolved.parent != upload_folder().resolve():
        raise ValueError(f"not an uploaded import file: {path}")
    return resolved


def check_start_import(period) -> None:
    """Refuse a second import into a period while one is queued or running (a dead one is swept first)."""
    busy = JobRun.objects.filter(kind=JOB_KIND, config__period=period.pk,
                                 state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING])
    sweep_stale_jobs(jobs=busy)
    if busy.exists():
        raise ImportRefused(_("An import into this update period is already in progress: wait until it has "
                              "finished, then upload again."))


@transaction.atomic
def do_start_import(user, period, path: Path, *, source_name: str, allow_duplicates: bool) -> JobRun:
    """Create the import job, scoped to the period's district; its task starts once the transaction commits."""
    from .tasks import import_registrations_task  # the task imports this module

    config = {"period": period.pk, "path": str(path), "source": source_name[-255:],
              "allow_duplicates": bool(allow_duplicates)}
    return start_job(import_registrations_task, JOB_KIND, user=user, region_code=period.region_id, config=config)


def do_import_job(job: JobRun, progress) -> dict:
    """Run the job's import (the task's work); return the import's id and counts for the job page."""
    cfg = job.config
    path = _uploaded(cfg["path"])
    try:
        run = import_registrations(path, period=UpdatePeriod.objects.get(pk=cfg["period"]), user=job.created_by,
                                   source_name=cfg.get("source", ""), allow_duplicates=cfg.get("allow_duplicates"),
                                   progress=progress, time_limit=settings.IMPORT_JOB_MAX_SECONDS)
    finally:
        path.unlink(missing_ok=True)
    return {"import": run.pk, "state": run.state, "created": run.created, "already": run.already,
            "rejected": run.rejected, "duplicates": run.duplicates, "errors": run.errors, "warnings": run.warnings}
