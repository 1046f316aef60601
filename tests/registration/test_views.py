"""Pages: the registrar's form with duplicate confirmation, live NIK check, receipt, Musdes, import, citizen check."""

import pytest
from conftest import BANGKA, VILLAGE_IN
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mutakhir.accounts.models import Role
from mutakhir.registration import status as status_checks
from mutakhir.registration.models import Musdes, Registration

from .conftest import HEAD_NIK, KK

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {"region_code": VILLAGE_IN, "address": "Jl. Melati 3", "consent": "on", "id_document_seen": "ktp",
            "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
            "members-MAX_NUM_FORMS": "40",
            "members-0-nik": HEAD_NIK, "members-0-kk": KK, "members-0-name": "Budi Santoso", "members-0-relation": "1",
            "members-0-sex": "1", "members-0-birth_date": "1980-05-01",
            "members-1-name": "Sri", "members-1-relation": "2", "members-1-sex": "2"}
    return data | extra


@pytest.fixture
def logged_in(client, registrar):
    client.force_login(registrar)
    return client


def test_it_registers_then_asks_about_a_duplicate(logged_in):
    url = reverse("registration:new") + "?channel=aktif"
    response = logged_in.post(url, form_data())
    reg = Registration.objects.get()
    assert response.url == reverse("registration:receipt", args=[reg.number])
    receipt = logged_in.get(response.url)
    assert reg.number in receipt.text and "Budi Santoso" in receipt.text
    again = logged_in.post(url, form_data())
    assert again.status_code == 200 and reg.number in again.text and Registration.objects.count() == 1
    confirmed = logged_in.post(url, form_data(confirm_duplicates="on"))
    assert confirmed.status_code == 302 and Registration.objects.count() == 2


def test_the_receipt_pdf_shows_the_number_and_masked_identity_and_is_logged(logged_in, client, make_user):
    import io

    from pypdf import PdfReader

    from mutakhir.core.models import PersonalDataAccess

    logged_in.post(reverse("registration:new") + "?channel=aktif", form_data())
    reg = Registration.objects.get()
    assert reverse("registration:receipt_pdf", args=[reg.number]) in logged_in.get(
        reverse("registration:receipt", args=[reg.number])).text
    response = logged_in.get(reverse("registration:receipt_pdf", args=[reg.number]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert reg.number in text and "Budi Santoso" in text and "Active (at the village office)" in text
    assert "1901********0001" in text and HEAD_NIK not in text and KK not in text
    logged = PersonalDataAccess.objects.filter(action="view", object_id=str(reg.pk))
    assert set(logged.values_list("fields", flat=True)) == {"receipt", "receipt-pdf"}
    client.force_login(make_user(Role.REGISTRAR, "1901022004"))  # another village
    assert client.get(reverse("registration:receipt_pdf", args=[reg.number])).status_code == 404


def test_it_shows_errors_at_the_fields_and_escapes_names(logged_in):
    response = logged_in.post(reverse("registration:new"), form_data(**{"members-1-name": "<b>x</b>",
                                                                        "members-0-nik": "12"}))
    assert response.status_code == 200 and not Registration.objects.exists()
    assert "angle brackets" in response.text and "16 digits" in response.text
    assert "<b>x</b>" not in response.text and "&lt;b&gt;x&lt;/b&gt;" in response.text


def test_the_live_check_validates_and_prefills_from_the_registry(logged_in, make_household):
    url = reverse("registration:check_identity") + "?kind=nik&prefix=members-0"
    assert "16 digits" in logged_in.post(url, {"value": "123"}).text
    member = make_household(VILLAGE_IN).members.get(relation=1)
    member.nik = HEAD_NIK
    member.save()
    response = logged_in.post(url, {"members-0-nik": HEAD_NIK})
    assert member.name in response.text and "unified database" in response.text
    outside = make_household("1902012003").members.get(relation=1)
    assert outside.name not in logged_in.post(url, {"value": outside.nik}).text


def test_roles_and_scope_guard_the_pages(client, make_user, period, registrar):
    client.force_login(make_user(Role.PROGRAM_MANAGER, None))
    assert client.get(reverse("registration:new")).status_code == 403
    client.force_login(registrar)
    assert client.get(reverse("registration:new") + "?channel=pasif").status_code == 403
    assert client.get(reverse("registration:detail", args=["REG-1901-2025-999999"])).status_code == 404


def test_musdes_records_minutes_and_lists_proposals(logged_in, registrar):
    pdf = SimpleUploadedFile("notulen.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    fake = SimpleUploadedFile("notulen.pdf", b"MZ not a pdf", content_type="application/pdf")
    data = {"region_code": VILLAGE_IN, "held_on": "2025-03-01", "attendance": "40"}
    assert "must be a PDF" in logged_in.post(reverse("registration:musdes_new"), data | {"minutes": fake}).text
    response = logged_in.post(reverse("registration:musdes_new"), data | {"minutes": pdf})
    musdes = Musdes.objects.get()
    assert response.url == reverse("registration:musdes", args=[musdes.pk])
    url = reverse("registration:new") + f"?channel=musdes&musdes={musdes.pk}"
    assert logged_in.post(url, form_data(id_document_seen="")).status_code == 302
    assert Registration.objects.get().musdes == musdes
    assert Registration.objects.get().number in logged_in.get(response.url).text


def test_the_import_page_refuses_oversized_uploads(client, make_user, period, settings):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    assert client.get(reverse("registration:import_template")).status_code == 200
    response = client.post(reverse("registration:import"), {"file": SimpleUploadedFile("x.zip", b"x")},
                           CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413 and "limit is 50 MB" in response.text


@pytest.fixture
def citizen(client, registrar, monkeypatch):
    monkeypatch.setattr(status_checks, "MIN_SECONDS", 0)
    cache.clear()
    registrar_client = client
    registrar_client.force_login(registrar)
    registrar_client.post(reverse("registration:new"), form_data())
    client.logout()  # drops every cookie, the language one too
    client.cookies["django_language"] = "en"
    return client


def test_a_citizen_sees_only_their_own_masked_status(citizen):
    url = reverse("publik:status")
    response = citizen.post(url, {"nik": HEAD_NIK, "name": "budi  santoso"})
    assert "B*** S******" in response.text and Registration.objects.get().number in response.text
    assert "Budi" not in response.text.split("status-answer")[1] and "Sri" not in response.text
    wrong_name = citizen.post(url, {"nik": HEAD_NIK, "name": "Sri"})
    unknown = citizen.post(url, {"nik": "1901010105800009", "name": "Budi Santoso"})
    assert "No record matches" in wrong_name.text and "No record matches" in unknown.text
    assert response["Cache-Control"] == "no-store"


def test_the_citizen_check_is_rate_limited_per_nik_and_padded(citizen, monkeypatch):
    url = reverse("publik:status")
    codes = [citizen.post(url, {"nik": HEAD_NIK, "name": "x"}).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    monkeypatch.setattr(status_checks, "MIN_SECONDS", 0.2)
    import time
    started = time.monotonic()
    citizen.post(url, {"nik": "1901010105800007", "name": "x"})
    assert time.monotonic() - started >= 0.2
