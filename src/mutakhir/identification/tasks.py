"""Background-task entry points of identification (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .services import do_run_match


@task
def run_match_task(job_id: int) -> None:
    """Run the match of the job's MatchRun."""
    run_job(job_id, lambda job, progress: do_run_match(job.match_run, progress))
