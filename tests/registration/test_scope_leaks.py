"""Attacks on registration by a signed-in user outside their area (issues 17 and 16), replayed.

The duplicate guard and the live NIK check must not answer district-wide lookups; the Musdes channel and its
minutes must work, scoped and logged; an import's failure must not name the server's folders.
"""

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_SUB
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registration.import_jobs import upload_folder
from mutakhir.registration.imports import import_registrations
from mutakhir.registration.models import Musdes, Registration
from mutakhir.registration.services import check_registration, do_create_registration
from mutakhir.registration.tokens import create_token

from .conftest import HEAD_NIK, KK, payload
from .test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()


@pytest.fixture
def elsewhere(make_user, period):
    """A registration in another village of the district (same update period), holding HEAD_NIK and KK."""
    user = make_user(Role.REGISTRAR, VILLAGE_OTHER_SUB)
    clean = check_registration(user, payload(region_code=VILLAGE_OTHER_SUB), channel="aktif")
    return do_create_registration(user, clean)


def test_the_guard_stops_a_duplicate_from_another_village_without_naming_it(client, registrar, elsewhere):
    client.force_login(registrar)
    response = client.post(reverse("registration:new") + "?channel=aktif", form_data())
    assert response.status_code == 200 and Registration.objects.count() == 1  # still stopped
    assert elsewhere.number not in response.text and HEAD_NIK not in response.text.split('id="duplicates"')[1][:600]
    assert "already registered in this update period outside your area" in response.text
    logged = PersonalDataAccess.objects.get(fields="duplicate-guard:outside-scope")
    assert (logged.user, logged.object_id) == (registrar, str(elsewhere.pk))


def test_the_api_answers_409_without_the_number_and_logs_it(client, registrar, elsewhere):
    _token, key = create_token(registrar)
    response = client.post("/api/registrations/", payload(), content_type="application/json",
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 409 and elsewhere.number not in response.text
    assert [d["number"] for d in response.json()["duplicates"]] == [""]
    assert "outside your area" in response.json()["duplicates"][0]["reason"]
    assert PersonalDataAccess.objects.filter(object_id=str(elsewhere.pk), fields__startswith="duplicate").exists()


def test_the_district_office_still_sees_which_registration(client, make_user, elsewhere):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    response = client.post(reverse("registration:new") + "?channel=aktif", form_data())
    assert elsewhere.number in response.text
    assert not PersonalDataAccess.objects.filter(fields="duplicate-guard:outside-scope").exists()


def test_answers_about_other_areas_are_limited_per_user(client, registrar, elsewhere, monkeypatch):
    monkeypatch.setattr("mutakhir.registration.guard.OUTSIDE_PER_USER", (2, 3600))
    client.force_login(registrar)
    url = reverse("registration:new") + "?channel=aktif"
    codes = [client.post(url, form_data()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.post(url, form_data(**{"members-0-nik": "1901010105800009", "members-0-kk": KK[:-1] + "9"}))
    assert refused.status_code == 429 and "Too many of your entries" in refused.text  # refused before any lookup
    assert Registration.objects.count() == 1


@pytest.fixture
def desk(client, registrar, make_household):
    """A registrar's client, and a registry member of their village whose NIK is HEAD_NIK."""
    member = make_household(VILLAGE_IN).members.get(relation=1)
    member.nik, member.birth_place = HEAD_NIK, "Sungailiat"
    member.save()
    client.force_login(registrar)
    return client, member


CHECK = reverse("registration:check_identity") + "?kind=nik&prefix=members-0"


def test_the_identity_check_is_post_only_and_keeps_the_number_out_of_urls(desk):
    client, _member = desk
    assert client.get(CHECK + f"&value={HEAD_NIK}").status_code == 405
    client.logout()
    redirect = client.post(CHECK, {"members-0-nik": HEAD_NIK})
    assert redirect.status_code == 302 and HEAD_NIK not in redirect.url


def test_the_identity_check_prefills_no_kk_and_logs_the_record(desk):
    client, member = desk
    response = client.post(CHECK, {"members-0-nik": HEAD_NIK})
    assert member.name in response.text and "Sungailiat" in response.text
    assert member.kk not in response.text and HEAD_NIK not in response.text
    logged = PersonalDataAccess.objects.get(object_type="member")
    assert logged.object_id == str(member.pk) and logged.fields.startswith("identity-check")


def test_the_identity_check_is_limited_per_user(desk, monkeypatch):
    client, member = desk
    monkeypatch.setattr("mutakhir.registration.identity.PER_USER", (2, 3600))
    answers = [client.post(CHECK, {"members-0-nik": HEAD_NIK}).text for _ in range(3)]
    assert member.name in answers[1] and member.name not in answers[2] and "Too many lookups" in answers[2]
    assert PersonalDataAccess.objects.filter(object_type="member").count() == 2


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.PSM, Role.DISTRICT_OPERATOR])
def test_the_musdes_channel_without_a_musdes_leads_to_choosing_one(client, make_user, period, role):
    client.force_login(make_user(role, BANGKA if role == Role.DISTRICT_OPERATOR else VILLAGE_IN))
    for query in ("?channel=musdes", "?channel=musdes&musdes=abc"):
        response = client.get(reverse("registration:new") + query)
        assert response.status_code == 302 and response.url == reverse("registration:musdes_new")
    assert client.get(reverse("registration:new") + "?channel=musdes&musdes=999").status_code == 404
    assert "Choose the village deliberation" in client.get(reverse("registration:new") + "?channel=musdes",
                                                           follow=True).text


def test_the_musdes_minutes_are_served_scoped_and_logged(client, registrar, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(registrar)
    pdf = SimpleUploadedFile("notulen.pdf", b"%PDF-1.4 berita acara", content_type="application/pdf")
    client.post(reverse("registration:musdes_new"), {"region_code": VILLAGE_IN, "held_on": "2025-03-01",
                                                     "attendance": "40", "minutes": pdf})
    musdes = Musdes.objects.get()
    link = reverse("registration:musdes_minutes", args=[musdes.pk])
    page = client.get(reverse("registration:musdes", args=[musdes.pk])).text
    assert link in page and musdes.minutes.url not in page
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 berita acara"
    assert PersonalDataAccess.objects.filter(object_type="musdes", object_id=str(musdes.pk), fields="minutes").exists()
    client.force_login(make_user(Role.REGISTRAR, VILLAGE_OTHER_SUB))
    assert client.get(link).status_code == 404


def test_an_import_failure_does_not_name_the_server_folder(registrar, period, private_var):
    folder = upload_folder()
    folder.mkdir(parents=True)
    path = folder / "0123abcd.zip"
    path.write_bytes(b"this is no zip")
    run = import_registrations(path, period=period, user=registrar, source_name="desa-sukamaju.zip")
    assert run.state == "failed" and "desa-sukamaju.zip" in run.message
    assert str(private_var) not in run.message and "0123abcd" not in run.message


def test_an_import_whose_worker_died_does_not_block_the_period(period, registrar, settings):
    import socket
    import subprocess
    import sys

    from mutakhir.core.models import JobRun
    from mutakhir.registration.import_jobs import JOB_KIND, check_start_import

    settings.JOB_STALE_SECONDS = 600
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    JobRun.objects.create(kind=JOB_KIND, state=JobRun.State.RUNNING, config={"period": period.pk},
                          worker=f"{socket.gethostname()}:{gone.pid}")
    check_start_import(period)  # before: "An import into this update period is already in progress" for 600 s
    assert JobRun.objects.get().state == JobRun.State.INTERRUPTED
