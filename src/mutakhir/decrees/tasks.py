"""Background-task entry points of decrees (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .services import do_approve_decree_job


@task
def approve_decree_task(job_id: int) -> None:
    """Approve the job's decree: annex, PDF and their SHA-256, all or nothing."""
    run_job(job_id, do_approve_decree_job)
