"""`mutakhir verivali sync` against the database runs under a JobRun, like a sync started on the web page."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.verivali.models import CivilSync

from .sync_data import EXPECTED, write_extract


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_database_sync_from_the_cli_has_its_job(planted, operator, tmp_path, client):
    call_command("verivali", "sync", "--extract", str(write_extract(tmp_path / "extract")), "--district", "19.01",
                 "--user", operator.username)
    sync = CivilSync.objects.get()
    job = sync.job
    assert (job.kind, job.state, job.region_code, job.created_by) == ("civil_sync", JobRun.State.DONE, "1901",
                                                                     operator)
    assert job.config["source"] == "cli" and job.started_at and job.finished_at
    assert job.result["stored"] == len(EXPECTED) and sync.changes.count() == len(EXPECTED)
    assert job.done > 0 and job.note  # the engine's progress reached the row
    client.force_login(operator)
    page = client.get(f"/verivali/sync/{sync.pk}/")
    assert page.status_code == 200 and f'id="job-{job.pk}"' in page.text


def test_a_failed_cli_sync_leaves_a_failed_job_with_the_reason(planted, tmp_path):
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "members.csv").write_text("record_id,name\nC1,AHMAD\n", encoding="utf-8")
    with pytest.raises(CommandError, match="region_code"):
        call_command("verivali", "sync", "--extract", str(extract), "--district", "19.01")
    job = CivilSync.objects.get().job
    assert job.state == JobRun.State.FAILED and "region_code" in job.error


def test_a_cli_sync_waits_for_a_running_one(planted, tmp_path):
    JobRun.objects.create(kind="civil_sync", region_code="1901", state=JobRun.State.RUNNING)
    CivilSync.objects.create(region_code="1901", extract="x", job=JobRun.objects.get())
    with pytest.raises(CommandError, match="already in progress"):
        call_command("verivali", "sync", "--extract", str(write_extract(tmp_path / "extract")), "--district", "1901")
    assert JobRun.objects.count() == 1


def test_the_cli_refuses_an_unknown_or_unentitled_user(planted, make_user, tmp_path):
    extract = str(write_extract(tmp_path / "extract"))
    with pytest.raises(CommandError, match="Unknown user"):
        call_command("verivali", "sync", "--extract", extract, "--user", "nobody")
    psm = make_user(Role.PSM, "1901011001")
    with pytest.raises(CommandError, match="may not start"):
        call_command("verivali", "sync", "--extract", extract, "--user", psm.username)
    assert not JobRun.objects.exists()


def test_a_cli_zip_bomb_is_refused_before_any_job(planted, tmp_path):
    import zipfile

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("members.csv", b"record_id,name,region_code\n" + b"0" * 8 * 2**20)
    with pytest.raises(CommandError, match="zip bomb"):
        call_command("verivali", "sync", "--extract", str(bomb))
    assert not JobRun.objects.exists()
