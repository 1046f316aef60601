"""Background-task entry point of the signal import (Django Tasks)."""

from pathlib import Path

from django.tasks import task

from mutakhir.core.jobs import run_job

from .services import do_import


def _work(job, progress) -> dict:
    signal_import = job.signal_import
    path = Path(job.config["path"])
    try:
        do_import(signal_import, path, progress)
    finally:
        path.unlink(missing_ok=True)  # the upload is kept only until it is read
    return {"import": signal_import.pk, "applied": signal_import.applied, "flags": signal_import.flags}


@task
def import_signals_task(job_id: int) -> None:
    """Read the job's uploaded extract into signals and flags."""
    run_job(job_id, _work)
