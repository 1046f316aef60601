"""Background jobs: a `JobRun` row per job, run by a Django task, with progress for the UI and CLI."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .logging import mask_identity_numbers
from .models import JobRun

Progress = Callable[[int, int | None, str], None]


def start_job(task, kind: str, *, user=None, region_code: str = "", config: dict | None = None) -> JobRun:
    """Create a queued JobRun and enqueue `task(job_id)` once the transaction commits."""
    job = JobRun.objects.create(kind=kind, created_by=user, region_code=region_code, config=config or {})
    transaction.on_commit(lambda: task.enqueue(job.pk))
    return job


def run_job(job_id: int, work: Callable[[JobRun, Progress], dict | None]) -> None:
    """Claim the job, run `work(job, progress)`, and record the outcome on the row.

    A job that is not queued any more (already claimed, or finished) is left alone.
    """
    jobs = JobRun.objects.filter(pk=job_id)
    if jobs.filter(state=JobRun.State.QUEUED).update(state=JobRun.State.RUNNING, started_at=timezone.now()) != 1:
        return

    def progress(done: int, total: int | None = None, note: str = "") -> None:
        jobs.update(done=done, total=total, note=note[:200])

    try:
        result = work(jobs.get(), progress)
    except Exception as exc:
        # Error texts (a database error's DETAIL, a bad input row) may quote a NIK: keep it masked.
        jobs.update(state=JobRun.State.FAILED, error=mask_identity_numbers(f"{type(exc).__name__}: {exc}")[:4000],
                    finished_at=timezone.now())
        raise
    jobs.update(state=JobRun.State.DONE, result=result or {}, finished_at=timezone.now())
