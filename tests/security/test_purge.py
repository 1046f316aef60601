"""`mutakhir purge`: deletes exactly what has outlived its retention period, counts only on --dry-run."""

import os
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.identification.models import MatchRun
from mutakhir.registration.models import RegistrationImport
from mutakhir.registry.models import UpdatePeriod

DAY = timedelta(days=1)


def aged(model, days, **fields):
    """Create a row and move its timestamp `days` into the past (auto_now_add cannot be set directly)."""
    row = model.objects.create(**fields)
    stamp = {"PersonalDataAccess": "at", "AccessAttempt": "attempt_time"}.get(model.__name__, "finished_at")
    model.objects.filter(pk=row.pk).update(**{stamp: timezone.now() - days * DAY})
    return row


@pytest.fixture
def old_and_new(make_user, make_household, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = make_user("district_operator", "1901")
    hh = make_household()
    rows = {
        "log_old": aged(PersonalDataAccess, 5 * 365 + 1, user=user, action="view", object_type="household",
                        object_id=str(hh.pk)),
        "log_new": aged(PersonalDataAccess, 5 * 365 - 1, user=user, action="view", object_type="household",
                        object_id=str(hh.pk)),
        "job_old": aged(JobRun, 91, kind="match", state="done"),
        "job_new": aged(JobRun, 89, kind="match", state="done"),
        "job_of_a_run": aged(JobRun, 400, kind="match", state="done"),
        "attempt_old": aged(AccessAttempt, 31, username="x", failures_since_start=1),
        "attempt_new": aged(AccessAttempt, 29, username="y", failures_since_start=1),
    }
    period = UpdatePeriod.objects.create(region_id="1901", name="2026", starts_on=timezone.localdate())
    MatchRun.objects.create(update_period=period, region_id="1901", job=rows["job_of_a_run"], created_by=user)
    report = aged(RegistrationImport, 91, dataset_sha256="a" * 64, source="u.xlsx", update_period=period, user=user,
                  state="done")
    report.report.save("errors.csv", ContentFile(b"row,nik\n2,1901010101010001\n"), save=False)
    RegistrationImport.objects.filter(pk=report.pk).update(report=report.report.name)
    rows["report_old"] = report
    expired = SessionStore()
    expired.set_expiry(-10)
    expired.create()
    rows["session_expired"] = expired.session_key
    live = SessionStore()
    live.create()
    rows["session_live"] = live.session_key
    return rows


def test_it_counts_on_a_dry_run_and_changes_nothing(old_and_new):
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run" in text and "personal-data access log" in text
    assert PersonalDataAccess.objects.count() == 2 and JobRun.objects.count() == 3
    assert RegistrationImport.objects.get().report


def test_it_deletes_exactly_what_has_expired(old_and_new):
    rows = old_and_new
    path = rows["report_old"].report.path
    call_command("purge", stdout=StringIO())
    assert list(PersonalDataAccess.objects.values_list("pk", flat=True)) == [rows["log_new"].pk]
    assert set(JobRun.objects.values_list("pk", flat=True)) == {rows["job_new"].pk, rows["job_of_a_run"].pk}
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["y"]
    assert set(Session.objects.values_list("session_key", flat=True)) == {rows["session_live"]}
    report = RegistrationImport.objects.get()
    assert not report.report and not os.path.exists(path)  # the file is gone, the counts stay


def test_it_takes_periods_from_settings(old_and_new, settings):
    settings.RETENTION_DAYS = {"ACCESS_LOG": 30}
    call_command("purge", stdout=StringIO())
    assert PersonalDataAccess.objects.count() == 0


def _file(path, days_old: float):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"record_id,nik\nC1,1901010101010001\n")
    stamp = (timezone.now() - timedelta(days=days_old)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.mark.django_db
def test_it_deletes_uploads_left_behind_and_old_civil_extracts(settings, tmp_path):
    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path / "var", tmp_path / "media"
    stale_upload = _file(tmp_path / "var/uploads/registration/a.xlsx", 3)
    fresh_upload = _file(tmp_path / "var/uploads/registration/b.xlsx", 1)
    old_extract = _file(tmp_path / "media/verivali/extracts/x1/members.csv", 31)
    new_extract = _file(tmp_path / "media/verivali/extracts/x2/members.csv", 29)
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert "import uploads left behind" in out.getvalue() and stale_upload.exists() and old_extract.exists()
    call_command("purge", stdout=StringIO())
    assert not stale_upload.exists() and fresh_upload.exists()
    assert not old_extract.parent.exists() and new_extract.exists()  # an extract's folder goes with it
