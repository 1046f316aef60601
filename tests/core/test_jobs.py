from django.tasks import task

from mutakhir.core.jobs import run_job, start_job
from mutakhir.core.models import JobRun


def _count_to_three(job, progress):
    for i in range(1, 4):
        progress(i, 3, f"step {i}")
    return {"counted": job.config["n"]}


def _explode(job, progress):
    progress(1, 2, "half")
    raise ValueError("disk full")


@task
def counting_task(job_id):
    run_job(job_id, _count_to_three)


@task
def exploding_task(job_id):
    run_job(job_id, _explode)


def test_it_runs_a_job_after_commit_and_records_progress(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(counting_task, "count", config={"n": 3}, region_code="1901")
        assert JobRun.objects.get(pk=job.pk).state == JobRun.State.QUEUED
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.note, job.result) == ("done", 3, 3, "step 3", {"counted": 3})
    assert job.is_finished and job.percent == 100 and job.finished_at >= job.started_at


def test_it_keeps_the_error_on_the_row(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the task backend records the failure
        job = start_job(exploding_task, "explode")
    job = JobRun.objects.get(kind="explode")
    assert job.state == JobRun.State.FAILED and "disk full" in job.error and job.done == 1


def test_it_does_not_run_a_claimed_job_twice(db):
    job = JobRun.objects.create(kind="count", state=JobRun.State.RUNNING, config={"n": 1})
    run_job(job.pk, _count_to_three)
    job.refresh_from_db()
    assert job.state == JobRun.State.RUNNING and job.done == 0


def test_it_scopes_jobs_by_region(make_user):
    JobRun.objects.create(kind="a", region_code="1901011001")
    JobRun.objects.create(kind="b", region_code="1902011001")
    operator = make_user("district_operator", "1901")
    assert list(JobRun.objects.visible_to(operator).values_list("kind", flat=True)) == ["a"]
