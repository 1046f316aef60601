"""Background-task entry points of identification (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .duplicates import do_run_search
from .services import do_run_match


@task
def run_match_task(job_id: int) -> None:
    """Run the match of the job's MatchRun."""
    run_job(job_id, lambda job, progress: do_run_match(job.match_run, progress))


@task
def run_dedup_task(job_id: int) -> None:
    """Run the duplicate search of the job's DedupRun."""
    run_job(job_id, lambda job, progress: do_run_search(job.dedup_run, progress))
