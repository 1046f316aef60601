"""Background-task entry points of targeting (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .services import do_draw_list_job, do_preview_job


@task
def draw_list_task(job_id: int) -> None:
    """Draw the job's beneficiary list from its ranking run and store it."""
    run_job(job_id, do_draw_list_job)


@task
def preview_task(job_id: int) -> None:
    """Count what the job's rule selects per region on a large ranking run."""
    run_job(job_id, do_preview_job)
