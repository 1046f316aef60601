"""Background-task entry points of ranking (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .services import do_run_fit_job, do_run_ranking_job


@task
def run_ranking_task(job_id: int) -> None:
    """Snapshot, score and rank the registry with the job's model version, and store the run."""
    run_job(job_id, do_run_ranking_job)


@task
def run_fit_task(job_id: int) -> None:
    """Fit a PMT model on an uploaded survey with the job's settings; the model file is the job's result."""
    run_job(job_id, do_run_fit_job)
