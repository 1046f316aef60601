"""Bulk import from the web page runs as a background job: progress, result page, region scope, no half import."""

import stat

import pytest
from conftest import BANGKA
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.registration import imports
from mutakhir.registration.import_jobs import JOB_KIND, upload_folder
from mutakhir.registration.models import Registration, RegistrationImport, RegistrationMember

from .test_imports import write_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user, period):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")


def upload(client, tmp_path, **extra):
    content = write_zip(tmp_path / "data.zip").read_bytes()
    return client.post(reverse("registration:import"), {"file": SimpleUploadedFile("data.zip", content), **extra})


def test_it_imports_in_the_background_and_shows_the_summary(client, operator, tmp_path,
                                                            django_capture_on_commit_callbacks):
    client.force_login(operator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, tmp_path)
    job = JobRun.objects.get(kind=JOB_KIND)
    assert response["Location"] == reverse("registration:import_job", args=[job.pk])
    assert (job.state, job.region_code, job.created_by) == (JobRun.State.QUEUED, BANGKA, operator)
    saved = upload_folder() / job.config["path"].rsplit("/", 1)[1]
    assert saved.exists() and stat.S_IMODE(saved.stat().st_mode) == 0o600 and job.config["source"] == "data.zip"
    assert not RegistrationImport.objects.exists() and not Registration.objects.exists()
    waiting = client.get(response["Location"]).text
    assert f'hx-get="{reverse("job_status", args=[job.pk])}"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert f'href="{response["Location"]}"' in client.get(reverse("registration:import")).text  # in progress

    for callback in callbacks:  # the test backend runs the task at once
        callback()
    job.refresh_from_db()
    run = RegistrationImport.objects.get()
    assert job.state == JobRun.State.DONE and job.result["import"] == run.pk
    assert (job.result["created"], job.result["rejected"], run.user) == (1, 4, operator)
    assert not saved.exists()  # the personal data in the upload is gone with the job
    assert client.get(reverse("job_status", args=[job.pk]), headers={"HX-Request": "true"}).status_code == 286
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == reverse("registration:import_detail", args=[run.pk])
    assert "registrations created" in page.text and "Download the error report" in page.text
    report = client.get(reverse("registration:import_report", args=[run.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_import_reports_its_progress(operator, period, tmp_path):
    calls = []
    run = imports.import_registrations(write_zip(tmp_path / "data.zip"), period=period, user=operator,
                                       progress=lambda done, total, note: calls.append((done, total, note)))
    assert run.created == 1
    notes = [note for _done, _total, note in calls]
    assert "Reading the members" in notes and "Looking for duplicates" in notes
    assert (12, 12, "Saving the registrations (1 households)") in calls  # 5 household rows + 7 member rows
    read = [done for done, total, _note in calls if total == 12]
    assert read == sorted(read)


@pytest.mark.parametrize("outsider", [(Role.DISTRICT_OPERATOR, "1902"), (Role.REGISTRAR, "1901011001")])
def test_another_regions_job_is_not_shown(client, operator, make_user, tmp_path, outsider,
                                          django_capture_on_commit_callbacks):
    client.force_login(operator)
    with django_capture_on_commit_callbacks():
        upload(client, tmp_path)
    job = JobRun.objects.get(kind=JOB_KIND)
    client.force_login(make_user(*outsider))
    assert client.get(reverse("registration:import_job", args=[job.pk])).status_code in (403, 404)
    assert client.get(reverse("job_status", args=[job.pk])).status_code == 404  # the district job is above them
    assert job.config["source"] not in client.get(reverse("registration:import")).text


def test_a_failing_import_leaves_nothing_half_written(client, operator, tmp_path, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    def fail(run, user):
        assert Registration.objects.filter(import_run=run).exists()  # the rows were written, then
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_history", fail)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, tmp_path)
    job = JobRun.objects.get(kind=JOB_KIND)
    assert job.state == JobRun.State.FAILED and "disk full" in job.error
    assert not Registration.objects.exists() and not RegistrationMember.objects.exists()
    assert not RegistrationImport.objects.exists()
    assert not any(upload_folder().iterdir())
    assert "disk full" in client.get(response["Location"]).text


def test_a_second_upload_waits_for_the_running_import(client, operator, tmp_path,
                                                      django_capture_on_commit_callbacks):
    client.force_login(operator)
    with django_capture_on_commit_callbacks():
        upload(client, tmp_path)
        second = upload(client, tmp_path)
    assert second.status_code == 200 and "already in progress" in second.text
    assert JobRun.objects.filter(kind=JOB_KIND).count() == 1 and len(list(upload_folder().iterdir())) == 1
