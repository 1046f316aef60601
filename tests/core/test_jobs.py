import os

import pytest
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


# --- heartbeat and sweep (a job whose process was killed is found and marked interrupted) ------------------

def _running(seconds_ago: float, **fields) -> JobRun:
    import datetime as dt

    from django.utils import timezone

    beat = timezone.now() - dt.timedelta(seconds=seconds_ago)
    fields = {"kind": "count", "started_at": beat, "heartbeat_at": beat, "region_code": "1901011001"} | fields
    return JobRun.objects.create(state=JobRun.State.RUNNING, **fields)


def test_it_sweeps_only_running_jobs_whose_heartbeat_stopped(db, settings):
    from mutakhir.core.jobs import INTERRUPTED_ERROR, sweep_stale_jobs

    settings.JOB_STALE_SECONDS = 600
    dead, alive = _running(601), _running(30)
    old = _running(0, heartbeat_at=None)  # claimed before heartbeats existed: its start counts
    JobRun.objects.filter(pk=old.pk).update(started_at=dead.started_at)
    done = JobRun.objects.create(kind="count", state=JobRun.State.DONE)
    assert sweep_stale_jobs() == 2
    states = dict(JobRun.objects.values_list("pk", "state"))
    assert states == {dead.pk: "interrupted", old.pk: "interrupted", alive.pk: "running", done.pk: "done"}
    dead.refresh_from_db()
    assert dead.error == INTERRUPTED_ERROR and dead.error.startswith("Terhenti") and dead.finished_at
    assert dead.is_finished and sweep_stale_jobs() == 0


def test_progress_is_a_heartbeat(db, settings):
    from mutakhir.core.jobs import stale_jobs

    settings.JOB_STALE_SECONDS = 1

    def slow(job, progress):
        assert list(stale_jobs(0.5)) == []  # just claimed: beat at the claim
        import time
        time.sleep(1.2)
        assert [j.pk for j in stale_jobs()] == [job.pk]  # silent for over a second
        progress(1, 2, "half")
        assert list(stale_jobs()) == []
        return {}

    job = JobRun.objects.create(kind="slow")
    run_job(job.pk, slow)
    job.refresh_from_db()
    assert job.state == "done" and job.heartbeat_at >= job.started_at


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_from_its_own_thread_between_progress_steps(settings):
    """A long step without progress calls (one big query) still beats: the sweep leaves the job alone."""
    import time

    from mutakhir.core.jobs import sweep_stale_jobs

    settings.JOB_HEARTBEAT_SECONDS, settings.JOB_STALE_SECONDS = 0.1, 0.5
    beats = []

    def long_step(job, progress):
        for _ in range(8):
            time.sleep(0.2)
            beats.append(JobRun.objects.get(pk=job.pk).heartbeat_at)
            assert sweep_stale_jobs() == 0
        return {"ok": True}

    job = JobRun.objects.create(kind="long")
    run_job(job.pk, long_step)
    job.refresh_from_db()
    assert job.state == "done" and len(set(beats)) >= 4  # beat over and over with no progress call


def test_a_swept_job_that_finishes_after_all_is_done(db, settings):
    from mutakhir.core.jobs import sweep_stale_jobs

    def swept_meanwhile(job, progress):
        JobRun.objects.filter(pk=job.pk).update(heartbeat_at=None, started_at=job.created_at.replace(year=2000))
        assert sweep_stale_jobs() == 1
        return {"n": 1}

    job = JobRun.objects.create(kind="late")
    run_job(job.pk, swept_meanwhile)
    job.refresh_from_db()
    assert (job.state, job.error, job.result) == ("done", "", {"n": 1})


def test_the_progress_line_marks_a_dead_job_interrupted_and_says_run_again(client, make_user, settings):
    settings.JOB_STALE_SECONDS = 600
    operator = make_user("district_operator", "1901")
    client.force_login(operator)
    kind = "registration_import"  # one the operator may follow
    dead, alive = _running(3600, done=5, total=10, kind=kind), _running(5, done=5, total=10, kind=kind)
    live = client.get(f"/jobs/{alive.pk}/")
    assert live.status_code == 200 and "hx-trigger" in live.text  # still polling
    response = client.get(f"/jobs/{dead.pk}/")
    assert response.status_code == 286 and "hx-trigger" not in response.text  # polling stops
    assert "Terhenti" in response.text and "Jalankan lagi" in response.text
    assert JobRun.objects.get(pk=dead.pk).state == "interrupted"
    other = _running(3600, region_code="1902011001", kind=kind)  # outside the operator's scope: 404, and not touched
    assert client.get(f"/jobs/{other.pk}/").status_code == 404
    assert JobRun.objects.get(pk=other.pk).state == "running"


def test_the_commands_sweep(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.JOB_STALE_SECONDS = 600
    dead, alive = _running(3600), _running(5)
    out = StringIO()
    call_command("jobs", "sweep", "--dry-run", stdout=out)
    assert f"count #{dead.pk}" in out.getvalue() and JobRun.objects.get(pk=dead.pk).state == "running"
    call_command("jobs", "sweep", stdout=out)
    assert "1 tugas ditandai terhenti" in out.getvalue()
    assert JobRun.objects.get(pk=dead.pk).state == "interrupted" and JobRun.objects.get(pk=alive.pk).state == "running"


# --- who follows a progress line; a dead worker found at once; no server paths (issue 17.11) ----------------

def test_a_program_manager_follows_only_the_jobs_of_their_work(client, make_user):
    from mutakhir.accounts.models import Role

    client.force_login(make_user(Role.PROGRAM_MANAGER, None))
    imported = _running(5, kind="registration_import", note="Membaca desa-sukamaju.zip")
    drawn = _running(5, kind="targeting-list")
    assert client.get(f"/jobs/{imported.pk}/").status_code == 404
    assert client.get(f"/jobs/{drawn.pk}/").status_code == 200
    assert client.get(f"/jobs/{_running(5, kind='no-such-kind').pk}/").status_code == 404


def test_every_kind_of_job_has_its_followers():
    from mutakhir.core.jobs import JOB_READERS
    from mutakhir.decrees.services import APPROVE_JOB
    from mutakhir.ranking.services import JOB_KIND as RANKING
    from mutakhir.registration.import_jobs import JOB_KIND as IMPORT
    from mutakhir.targeting.services import JOB_KIND as TARGETING
    from mutakhir.targeting.services import PREVIEW_KIND
    from mutakhir.verification.access import ODK_IMPORT_JOB
    from mutakhir.verivali.sync_services import JOB_KIND as SYNC

    kinds = {APPROVE_JOB, RANKING, IMPORT, TARGETING, PREVIEW_KIND, SYNC, ODK_IMPORT_JOB, "match", "dedup",
             "verivali-signals"}
    assert kinds <= set(JOB_READERS)


def test_a_job_whose_worker_died_is_swept_at_once(db, settings):
    import socket
    import subprocess
    import sys

    from mutakhir.core.jobs import sweep_stale_jobs

    settings.JOB_STALE_SECONDS = 600
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    crashed = _running(1, worker=f"{socket.gethostname()}:{gone.pid}")
    alive = _running(1, worker=f"{socket.gethostname()}:{os.getpid()}")
    elsewhere = _running(1, worker=f"another-host:{gone.pid}")  # another host's process: the beat decides
    assert sweep_stale_jobs() == 1
    states = dict(JobRun.objects.values_list("pk", "state"))
    assert (states[crashed.pk], states[alive.pk], states[elsewhere.pk]) == ("interrupted", "running", "running")


def _no_such_upload(job, progress):
    from django.conf import settings

    with open(f"{settings.VAR_DIR}/uploads/registration/0123abcd.zip", "rb"):
        pass


def test_a_failed_job_does_not_name_the_server_folders(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    job = JobRun.objects.create(kind="count")
    with pytest.raises(FileNotFoundError):
        run_job(job.pk, _no_such_upload)
    job.refresh_from_db()
    assert job.state == "failed" and str(tmp_path) not in job.error and "var/uploads" in job.error
