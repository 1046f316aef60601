"""Background-task entry points of verification (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .odk_uploads import do_import_job


@task
def import_odk_task(job_id: int) -> None:
    """Import the job's uploaded ODK/Kobo export, then delete the file."""
    run_job(job_id, do_import_job)
