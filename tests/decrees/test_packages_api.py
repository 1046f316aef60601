"""Packages by API (issue 22.1): a district pushes its signed package to the national inbox and polls the answer;
the national team applies or refuses; published PMT models are pulled. The same functions as the inbox pages."""

import pytest
from conftest import BANGKA

from mutakhir.accounts.models import Role
from mutakhir.core.bodylimit import FORM_ROOM
from mutakhir.core.models import JobRun
from mutakhir.decrees import national
from mutakhir.decrees.dispatch import do_refresh, do_send
from mutakhir.decrees.models import PackageDispatch
from mutakhir.ranking.models import PmtModelVersion
from mutakhir.registration.models import TokenPurpose
from mutakhir.registry.inbox_views import PACKAGE_MAX_BYTES
from mutakhir.registry.models import PackageSubmission

from .test_dispatch import package_bytes

URL = "/api/packages/"


@pytest.fixture
def call(api_call):
    return api_call(TokenPurpose.PACKAGES)


@pytest.fixture
def package(approved, head, settings):
    """The approved decree's package, as a district with its own installation has it."""
    data = package_bytes(approved, head, settings)
    PackageDispatch.objects.all().delete()  # the district's record lives in the other installation
    return data


@pytest.fixture
def district(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA)


def test_a_district_pushes_its_package_and_polls_the_answer(call, package, district):
    response = call("post", URL, district, package, content_type="application/zip")
    assert response.status_code == 201, response.content
    body = response.json()
    submission = PackageSubmission.objects.get()
    assert (body["id"], body["status"], body["district"]) == (submission.pk, "received", BANGKA)
    assert submission.received_by == district and body["dry_run"]["households"]["changed"] == 1
    polled = call("get", f"{URL}{submission.pk}", district).json()
    assert polled["acknowledgement"] == {**body["acknowledgement"]}
    assert polled["acknowledgement"]["sha256"] == submission.sha256
    again = call("post", URL, district, package, content_type="application/zip")
    assert again.status_code == 400 and "received already" in again.json()["detail"]


def test_a_package_may_come_as_a_multipart_form(call, package, district):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    response = call("post", URL, district, {"file": SimpleUploadedFile("p.zip", package)},
                    content_type=MULTIPART_CONTENT)
    assert response.status_code == 201, response.content


def test_a_district_sends_and_follows_its_own_packages_only(call, package, district, make_user):
    other = make_user(Role.DISTRICT_OPERATOR, "1902")
    refused = call("post", URL, other, package, content_type="application/zip")
    assert refused.status_code == 403 and not PackageSubmission.objects.exists()
    pk = call("post", URL, district, package, content_type="application/zip").json()["id"]
    assert call("get", f"{URL}{pk}", other).status_code == 404
    assert call("get", URL, other).json() == []
    assert [p["id"] for p in call("get", URL, district).json()] == [pk]
    for role, region in ((Role.REGISTRAR, "1901011001"), (Role.PROGRAM_MANAGER, None)):
        assert call("get", f"{URL}{pk}", make_user(role, region)).status_code == 404
        assert call("post", URL, make_user(role, region), package, content_type="application/zip").status_code == 403


def test_only_the_national_team_applies_or_refuses(call, package, district, national_team, head,
                                                  django_capture_on_commit_callbacks):
    pk = call("post", URL, district, package, content_type="application/zip").json()["id"]
    for user in (district, head):
        assert call("post", f"{URL}{pk}/apply", user).status_code == 403
        assert call("post", f"{URL}{pk}/refuse", user, {"reason": "Tidak lengkap"}).status_code == 403
    assert PackageSubmission.objects.get().status == "received" and not JobRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = call("post", f"{URL}{pk}/apply", national_team)
    assert response.status_code == 202, response.content
    polled = call("get", f"{URL}{pk}", district).json()
    assert (polled["status"], polled["acknowledgement"]["status"]) == ("applied", "applied")
    assert polled["counts"] and JobRun.objects.get().kind == "package-apply"
    assert call("post", f"{URL}{pk}/refuse", national_team, {"reason": "Terlambat"}).status_code == 409


def test_a_refusal_by_api_says_why(call, package, district, national_team):
    pk = call("post", URL, district, package, content_type="application/zip").json()["id"]
    assert call("post", f"{URL}{pk}/refuse", national_team, {"reason": "no"}).status_code == 409
    assert call("post", f"{URL}{pk}/refuse", national_team, {"reason": "Data RT/RW kosong"}).status_code == 200
    polled = call("get", f"{URL}{pk}", district).json()
    assert (polled["status"], polled["reason"]) == ("refused", "Data RT/RW kosong")


def test_api_routes_take_their_own_body_limits(call, district):
    """A package may be 200 MB and a chunk 16 MB; every other API route keeps the small default."""
    big = {"CONTENT_LENGTH": str(PACKAGE_MAX_BYTES + FORM_ROOM + 1)}
    assert call("post", URL, district, b"x", content_type="application/zip", **big).status_code == 413
    allowed = {"CONTENT_LENGTH": str(PACKAGE_MAX_BYTES)}
    assert call("post", URL, district, b"", content_type="application/zip", **allowed).status_code == 400
    over_default = {"CONTENT_LENGTH": str(5 * 2**20)}
    assert call("post", "/api/registrations/", district, b"{}", **over_default).status_code == 413
    assert call("get", URL, district, **over_default).status_code == 413


def test_the_district_pushes_and_polls_when_the_inbox_is_a_url(approved, head, district, settings, call,
                                                             monkeypatch, national_team,
                                                             django_capture_on_commit_callbacks):
    """The district side over the API, the national installation's answers routed through the test client."""
    def routed(method, path, body=None, content_type="application/zip"):
        response = call(method.lower(), path, district, body, content_type=content_type)
        return response.json()

    settings.NATIONAL_INBOX = "https://nasional.example/"
    monkeypatch.setattr(national, "call", routed)
    dispatch = do_send(approved, actor=head)
    submission = PackageSubmission.objects.get()
    assert (dispatch.status, dispatch.remote_id, dispatch.received_at) == (
        PackageDispatch.Status.RECEIVED, submission.pk, submission.received_at)
    with django_capture_on_commit_callbacks(execute=True):
        call("post", f"{URL}{submission.pk}/apply", national_team)
    assert do_refresh(dispatch).status == PackageDispatch.Status.APPLIED
    assert [a.status for a in dispatch.answers.all()] == ["received", "applied"]


def test_the_decree_page_updates_the_status_on_a_click(client, approved, head, settings, monkeypatch):
    from django.urls import reverse

    settings.NATIONAL_INBOX = "https://nasional.example"
    answers = iter([{"id": 7, "received_at": "2026-12-01T10:00:00+00:00"},
                    {"id": 7, "received_at": "2026-12-01T10:00:00+00:00"}])

    def answer(method, path, body=None, content_type=""):
        sha = PackageDispatch.objects.get().sha256
        status = "received" if method == "POST" else "refused"
        return {**next(answers), "acknowledgement": {"sha256": sha, "status": status, "reason": "Tanda tangan kurang",
                                                     "at": "2026-12-02T08:00:00+00:00"}}

    monkeypatch.setattr(national, "call", answer)
    client.force_login(head)
    client.post(reverse("decrees:send", args=[approved.pk]))
    page = client.get(reverse("decrees:detail", args=[approved.pk]))
    assert reverse("decrees:refresh_dispatch", args=[approved.pk]).encode() in page.content
    client.post(reverse("decrees:refresh_dispatch", args=[approved.pk]))
    dispatch = PackageDispatch.objects.get()
    assert (dispatch.status, dispatch.remote_id, dispatch.received_at.day) == ("refused", 7, 1)
    page = client.get(reverse("decrees:detail", args=[approved.pk])).content.decode()
    assert "Tanda tangan kurang" in page and 'id="dispatch-answers"' in page
    assert reverse("decrees:refresh_dispatch", args=[approved.pk]) not in page  # nothing more to wait for


def test_a_token_of_another_purpose_is_refused(api_call, district, package):
    feeds = api_call(TokenPurpose.FEEDS)
    assert feeds("post", URL, district, package, content_type="application/zip").status_code == 403
    assert feeds("get", "/api/pmt-models/", district).status_code == 403
    assert not PackageSubmission.objects.exists()


def test_published_pmt_models_are_pulled_by_districts(call, district, make_user):
    PmtModelVersion.objects.create(name="pmt-2026", version=1, content={"kind": "pmt", "weights": {"a": 1.5}},
                                   sha256="a" * 64)
    rows = call("get", "/api/pmt-models/", district).json()
    assert [(r["name"], r["version"]) for r in rows] == [("pmt-2026", 1)]
    pulled = call("get", "/api/pmt-models/pmt-2026/1", district).json()
    assert pulled["content"] == {"kind": "pmt", "weights": {"a": 1.5}} and pulled["sha256"] == "a" * 64
    registrar = make_user(Role.REGISTRAR, "1901011001")
    assert call("get", "/api/pmt-models/", registrar).json() == []
    assert call("get", "/api/pmt-models/pmt-2026/1", registrar).status_code == 404
