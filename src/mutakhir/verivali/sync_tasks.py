"""Background-task entry point of the civil-registry sync (Django Tasks)."""

from django.tasks import task

from mutakhir.core.jobs import run_job

from .sync_services import do_run_sync


@task
def run_sync_task(job_id: int) -> None:
    """Run the sync of the job's CivilSync."""
    run_job(job_id, lambda job, progress: do_run_sync(job.civil_sync, progress,
                                                                job.config.get("engine", "duckdb")))
