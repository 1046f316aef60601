"""Decree approval as a background job, and the logged downloads of the decree's PDF and annex."""

import hashlib

import pytest
from django.urls import reverse
from verification.fixtures import accept

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.decrees import pdf, services
from mutakhir.decrees.models import Decree
from mutakhir.decrees.services import APPROVE_JOB, DecreeError, do_approve_decree

from .test_decrees import compile_decree


@pytest.fixture
def head(make_user):
    return make_user(Role.DISTRICT_HEAD, "1901")


@pytest.fixture
def draft(entry, psm, tksk, operator):
    accept(entry, psm, tksk)
    return compile_decree(operator)


def approve(client, user, decree):
    client.force_login(user)
    return client.post(reverse("decrees:approve", args=[decree.pk]), follow=True)


def test_it_approves_in_the_background(client, head, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        page = approve(client, head, draft)
    job = JobRun.objects.get(kind=APPROVE_JOB)
    assert (job.state, job.created_by, job.region_code, job.config["decree"]) == ("queued", head, "1901", draft.pk)
    draft.refresh_from_db()
    assert (draft.status, draft.pdf, draft.annex) == (Decree.Status.DRAFT, None, None)  # nothing before the job
    assert "Approval started" in page.content.decode()
    assert f'hx-get="{reverse("job_status", args=[job.pk])}"' in page.content.decode()
    for callback in callbacks:  # the task runs (the test backend runs it at once)
        callback()
    job.refresh_from_db()
    decree = Decree.objects.get(pk=draft.pk)
    assert (job.state, decree.status, decree.approved_by) == ("done", Decree.Status.APPROVED, head)
    assert decree.approved_at is not None and bytes(decree.pdf)[:4] == b"%PDF" and bytes(decree.annex)[:2] == b"PK"
    assert decree.pdf_sha256 == hashlib.sha256(bytes(decree.pdf)).hexdigest() == job.result["pdf_sha256"]
    assert decree.annex_sha256 == hashlib.sha256(bytes(decree.annex)).hexdigest()
    assert decree.history.first().history_user == head
    assert client.get(reverse("job_status", args=[job.pk]), headers={"HX-Request": "true"}).status_code == 286


def test_a_failed_approval_leaves_a_draft_without_files(client, head, draft, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    def fail(decree, **kwargs):
        raise RuntimeError("WeasyPrint crashed")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    with django_capture_on_commit_callbacks(execute=True):  # the test backend records the task's failure
        approve(client, head, draft)
    job = JobRun.objects.get(kind=APPROVE_JOB)
    assert job.state == "failed" and "WeasyPrint crashed" in job.error
    decree = Decree.objects.get(pk=draft.pk)
    assert (decree.status, decree.approved_by, decree.approved_at) == (Decree.Status.DRAFT, None, None)
    assert (decree.pdf, decree.annex, decree.pdf_sha256, decree.annex_sha256) == (None, None, "", "")
    page = client.get(reverse("decrees:detail", args=[draft.pk])).content.decode()
    assert "WeasyPrint crashed" in page and reverse("decrees:approve", args=[draft.pk]) in page  # may try again


def test_it_refuses_a_second_approval(client, head, draft, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks() as callbacks:
        approve(client, head, draft)
        page = approve(client, head, draft)  # a second click while the first job waits
    assert "running already" in page.content.decode() and JobRun.objects.count() == 1
    for callback in callbacks:
        callback()
    approved = Decree.objects.get(pk=draft.pk)
    page = approve(client, head, draft)
    assert "approved already" in page.content.decode() and JobRun.objects.count() == 1
    monkeypatch.setattr(services, "check_approve", lambda decree: None)  # two jobs racing past the checks
    with pytest.raises(DecreeError, match="approved already"):  # the compare-and-set still approves once
        do_approve_decree(draft, actor=head)
    again = Decree.objects.get(pk=draft.pk)
    assert (again.approved_at, again.pdf_sha256) == (approved.approved_at, approved.pdf_sha256)


@pytest.mark.parametrize(("role", "region", "status"), [
    (Role.DISTRICT_OPERATOR, "1901", 403), (Role.NATIONAL, None, 403), (Role.AUDITOR, "1901", 403),
    (Role.PSM, "1901011001", 404), (Role.TKSK, "190101", 404), (Role.DISTRICT_HEAD, "1902", 404)])
def test_only_the_district_head_starts_an_approval(client, make_user, draft, role, region, status):
    client.force_login(make_user(role, region))
    assert client.post(reverse("decrees:approve", args=[draft.pk])).status_code == status
    assert not JobRun.objects.exists() and Decree.objects.get(pk=draft.pk).status == Decree.Status.DRAFT


@pytest.mark.parametrize(("what", "content_type"), [("pdf", "application/pdf"), ("annex", "application/vnd.open")])
def test_a_download_is_logged_with_who_what_and_why(client, make_user, head, draft, what, content_type):
    decree = do_approve_decree(draft, actor=head)
    auditor = make_user(Role.AUDITOR, "1901")
    client.force_login(auditor)
    url = reverse(f"decrees:{what}", args=[decree.pk])
    form = client.get(url)  # asks why first
    assert form.status_code == 200 and "Content-Disposition" not in form and not PersonalDataAccess.objects.exists()
    refused = client.post(url, {"reason": "x"})
    assert refused.status_code == 400 and "at least 5 characters" in refused.content.decode()
    assert "Content-Disposition" not in refused and not PersonalDataAccess.objects.exists()
    response = client.post(url, {"reason": "Audit BPK 2025"})
    assert response["Content-Type"].startswith(content_type)
    assert bytes(response.content) == bytes(getattr(decree, what))
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.object_type, log.object_id, log.fields, log.reason) == (
        auditor, "export", "decree", str(decree.pk), what, "Audit BPK 2025")


def test_an_out_of_region_user_cannot_download(client, make_user, head, draft):
    decree = do_approve_decree(draft, actor=head)
    client.force_login(make_user(Role.DISTRICT_OPERATOR, "1902"))
    for what in ("pdf", "annex"):
        url = reverse(f"decrees:{what}", args=[decree.pk])
        assert client.get(url).status_code == client.post(url, {"reason": "Audit BPK 2025"}).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_annex_shown_on_the_page_is_logged(client, operator, draft):
    client.force_login(operator)
    assert client.get(reverse("decrees:detail", args=[draft.pk])).status_code == 200
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.fields) == (operator, "view", "annex")


def test_it_refuses_files_made_from_verifications_changed_meanwhile(head, draft, monkeypatch):
    from mutakhir.verification.models import Verification

    real = pdf.render_pdf

    def render_then_change(decree, **kwargs):
        out = real(decree, **kwargs)
        Verification.objects.filter(pk=decree.items.get().verification_id).update(version=99)
        return out

    monkeypatch.setattr(pdf, "render_pdf", render_then_change)
    with pytest.raises(DecreeError, match="changed while its files were made"):
        do_approve_decree(draft, actor=head)
    assert Decree.objects.get(pk=draft.pk).status == Decree.Status.DRAFT and not Decree.objects.get().pdf
