"""Background-task entry points of registration (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .import_jobs import do_import_job


@task
def import_registrations_task(job_id: int) -> None:
    """Import the job's uploaded file into its update period, then delete the file."""
    run_job(job_id, do_import_job)
