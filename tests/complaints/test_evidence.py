"""A complaint's evidence: the citizen's photo and location on /publik/sanggah/, a handler's from a visit; stored
stripped, shown to the complaint's readers only, each view logged."""

import pytest
from conftest import BANGKA, SUNGAILIAT, VILLAGE_IN
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from evidence.photos import FAKE, gps_of, jpeg_with_gps, png

from mutakhir.accounts.models import Role
from mutakhir.complaints.models import Complaint
from mutakhir.core.models import PersonalDataAccess

from .test_public import filing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(data=None, name="rumah.jpg"):
    return SimpleUploadedFile(name, data or jpeg_with_gps(), content_type="image/jpeg")


def test_a_citizen_sends_a_photo_and_the_location_with_an_objection(client, regions, settings):
    response = client.post(reverse("publik:complaint"), filing(**{
        "ev-photo": photo(), "ev-latitude": "-1.866", "ev-longitude": "106.111", "ev-accuracy": "20"}))
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    stored = (settings.MEDIA_ROOT / complaint.photo.name).read_bytes()
    assert complaint.photo.name.startswith("evidence/complaint/") and gps_of(stored) == {}
    assert (str(complaint.latitude), str(complaint.longitude), complaint.location_accuracy) == (
        "-1.866000", "106.111000", 20)


def test_the_public_form_offers_the_photo_and_the_location_button(client, regions):
    page = client.get(reverse("publik:complaint")).text
    assert 'enctype="multipart/form-data"' in page and 'name="ev-photo"' in page and "data-geolocate" in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page


def test_a_fake_photo_is_refused_in_indonesian_and_nothing_is_filed(client, regions):
    client.cookies["django_language"] = "id"
    response = client.post(reverse("publik:complaint"), filing(**{"ev-photo": photo(FAKE)}))
    assert "Berkas ini bukan foto yang diterima aplikasi" in response.text
    assert not Complaint.objects.exists()


def test_an_oversize_body_is_refused_before_it_is_read(client, regions, settings):
    settings.EVIDENCE_PHOTO_MAX_BYTES = 1000
    response = client.post(reverse("publik:complaint"), filing(**{"ev-photo": photo(b"\xff" * 2_200_000)}))
    assert response.status_code == 413 and not Complaint.objects.exists()


@pytest.fixture
def with_photo(file):
    from mutakhir.core.evidence import clean_photo

    complaint, _code = file(photos={"photo": clean_photo(jpeg_with_gps())})
    return complaint


def test_a_handler_sees_the_photo_and_the_view_is_logged(client, with_photo, operator):
    client.force_login(operator)
    url = reverse("complaints:photo", args=[with_photo.ticket])
    assert url in client.get(reverse("complaints:detail", args=[with_photo.ticket])).text
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    log = PersonalDataAccess.objects.get(fields="photo")
    assert (log.user, log.object_type, log.object_id) == (operator, "complaint", str(with_photo.pk))


@pytest.mark.parametrize(("role", "region"), [(Role.TKSK, "190102"), (Role.PSM, VILLAGE_IN),
                                              (Role.DISTRICT_OPERATOR, "1902")])
def test_others_get_no_photo_and_nothing_is_logged(client, with_photo, make_user, role, region):
    client.force_login(make_user(role, region))
    assert client.get(reverse("complaints:photo", args=[with_photo.ticket])).status_code == 404
    assert not PersonalDataAccess.objects.filter(fields="photo").exists()


def test_a_handler_records_a_photo_and_location_from_a_visit(client, file, make_user, regions):
    complaint, _code = file()
    tksk = make_user(Role.TKSK, SUNGAILIAT)
    client.force_login(tksk)
    response = client.post(reverse("complaints:act", args=[complaint.ticket, "evidence"]), {
        "ev-photo": photo(png(), "dalam.png"), "ev-latitude": "-1.9", "ev-longitude": "106.2"}, follow=True)
    assert "The photo and location are recorded." in response.text
    complaint.refresh_from_db()
    assert complaint.photo and complaint.latitude is not None
    assert complaint.history.first().history_change_reason == "evidence added"
    empty = client.post(reverse("complaints:act", args=[complaint.ticket, "evidence"]), {}, follow=True)
    assert "Choose a photo or record the location first." in empty.text


def test_a_reader_may_not_add_evidence(client, file, make_user):
    complaint, _code = file()
    client.force_login(make_user(Role.DISTRICT_HEAD, BANGKA))
    response = client.post(reverse("complaints:act", args=[complaint.ticket, "evidence"]), {"ev-photo": photo()})
    assert response.status_code == 403
