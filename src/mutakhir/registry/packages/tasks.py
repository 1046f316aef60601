"""Background-task entry point of the national inbox (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .inbox import apply_job


@task
def apply_package_task(job_id: int) -> None:
    """Merge the job's received package into the registry, all or nothing."""
    run_job(job_id, apply_job)
