"""No NIK/KK in error pages, the application log or job errors; the admin shows registry records masked and scoped."""

import io
import logging

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.contrib.auth.models import Permission
from django.db import IntegrityError
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.jobs import run_job
from mutakhir.core.logging import MaskIdentityNumbers, mask_identity_numbers
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.registry.display import mask_id

NIK = "1901014512880007"


@pytest.fixture
def app_log():
    """Return what the configured console handler writes (the application log), as a StringIO."""
    handler = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, MaskIdentityNumbers) for f in h.filters))
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_it_masks_identity_numbers_but_not_longer_or_shorter_digit_runs():
    assert mask_identity_numbers(f"nik={NIK}, kk 1901010101010001.") == "nik=1901************, kk 1901************."
    assert mask_identity_numbers("12345678901234567 190101") == "12345678901234567 190101"


def test_it_keeps_a_nik_out_of_the_error_page_and_the_log(make_user, client, monkeypatch, app_log):
    def fail(user, **criteria):
        raise IntegrityError(f'duplicate key value violates unique constraint "nik": Key (nik)=({criteria["q"]})')

    monkeypatch.setattr("mutakhir.registry.views.find_households", fail)
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    client.raise_request_exception = False
    response = client.post(reverse("registry:search"), {"q": NIK}, headers={"HX-Request": "true"})  # NIK by POST
    assert response.status_code == 500
    assert NIK not in response.content.decode() and "Traceback" not in response.content.decode()
    log = app_log.getvalue()
    assert "Internal Server Error" in log and "IntegrityError" in log and "1901************" in log
    assert NIK not in log


def test_it_masks_query_strings_in_the_request_log(app_log):
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /registry/households/?q={NIK} HTTP/1.1", 200, 512)
    assert "q=1901************" in app_log.getvalue() and NIK not in app_log.getvalue()


def test_it_logs_no_nik_when_a_search_is_forbidden(make_user, client, app_log):
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    assert client.get(reverse("registry:search"), {"q": NIK}).status_code == 403
    assert "Forbidden" in app_log.getvalue() and NIK not in app_log.getvalue()


@pytest.fixture
def admin_client_in_bangka(make_user, client):
    """A staff account of Bangka that may view registry records in the admin."""
    user = make_user(Role.DISTRICT_OPERATOR, BANGKA, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_member", "view_household"]))
    client.force_login(user)
    return client


def test_it_shows_members_in_the_admin_masked_scoped_and_read_only(admin_client_in_bangka, make_household):
    inside, outside = make_household(VILLAGE_IN), make_household(VILLAGE_OTHER_DISTRICT)
    member = inside.members.first()
    client = admin_client_in_bangka
    listing = client.get("/admin/registry/member/").content.decode()
    assert mask_id(member.nik) in listing and member.nik not in listing and member.kk not in listing
    assert outside.members.first().name not in listing
    found = client.get("/admin/registry/member/", {"q": member.nik}).content.decode()
    assert member.name in found

    page = client.get(f"/admin/registry/member/{member.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and member.nik not in html and mask_id(member.kk) in html
    assert 'type="submit"' not in html or "_save" not in html  # nothing to save
    assert PersonalDataAccess.objects.filter(object_type="member", object_id=str(member.pk)).exists()
    assert client.get(f"/admin/registry/member/{outside.members.first().pk}/change/").status_code == 302
    assert client.post(f"/admin/registry/member/{member.pk}/delete/", {"post": "yes"}).status_code == 403


def _fail_on_a_nik(job, progress):
    raise ValueError(f"row 7: NIK {NIK} is already in household H0000001")


def test_it_keeps_a_nik_out_of_a_failed_jobs_error(db):
    job = JobRun.objects.create(kind="test")
    with pytest.raises(ValueError):
        run_job(job.pk, _fail_on_a_nik)
    job.refresh_from_db()
    assert job.state == JobRun.State.FAILED and "NIK 1901************ is already" in job.error
