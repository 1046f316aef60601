"""Field evidence of a verification: photos and location from the web form and from ODK, seen in scope and logged,
counted in the decree's annex, dropped by the retention rule."""

import io
import zipfile

import pytest
from conftest import SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_SUB
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from evidence.photos import FAKE, gps_of, jpeg_with_gps
from pyxform.xls2xform import convert

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.core.retention import purge
from mutakhir.verification.access import ODK_IMPORT_JOB
from mutakhir.verification.models import Status, SubmissionImport, Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.services import do_assign
from mutakhir.verification.xlsform import form_version, write_xlsform

from .fixtures import accept, answers, make_entry
from .test_odk import submission
from .test_odk_web import _csv, _export_zip
from .test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


def photo(name="rumah.jpg", data=None):
    return SimpleUploadedFile(name, data or jpeg_with_gps(), content_type="image/jpeg")


def post_with_evidence(client, v, **files):
    data = form_data(v, client, **{"ev-latitude": "-1.876543", "ev-longitude": "106.123456", "ev-accuracy": "8"})
    return client.post(reverse("verification:edit", args=[v.pk]), {**data, **files})


def test_the_web_form_stores_the_photos_without_exif_and_the_location(client, entry, psm, settings):
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    response = post_with_evidence(client, v, **{"ev-photo_front": photo(), "ev-photo_inside": photo("dalam.png")})
    assert response.status_code == 302
    v.refresh_from_db()
    stored = (settings.MEDIA_ROOT / v.photo_front.name).read_bytes()
    assert gps_of(jpeg_with_gps()) and gps_of(stored) == {} and b"PhoneMaker" not in stored
    assert v.photo_front.name.startswith("evidence/verification/") and v.photo_inside
    assert (str(v.latitude), str(v.longitude), v.location_accuracy) == ("-1.876543", "106.123456", 8)
    assert (settings.MEDIA_ROOT / v.photo_front.name).stat().st_mode & 0o077 == 0  # the app's user only


def test_a_saved_draft_keeps_its_photo_and_a_new_one_replaces_it(client, entry, psm, settings,
                                                                   django_capture_on_commit_callbacks):
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    post_with_evidence(client, v, **{"ev-photo_front": photo()})
    v.refresh_from_db()
    first = v.photo_front.name
    client.post(reverse("verification:edit", args=[v.pk]), form_data(v, client))
    v.refresh_from_db()
    assert v.photo_front.name == first and v.latitude is not None
    with django_capture_on_commit_callbacks(execute=True):
        post_with_evidence(client, v, **{"ev-photo_front": photo()})
    v.refresh_from_db()
    assert v.photo_front.name != first and not (settings.MEDIA_ROOT / first).exists()


@pytest.mark.parametrize(("upload", "message"), [
    (photo("rumah.jpg", FAKE), "The file is not a photo the app accepts"),
    (photo("besar.jpg", jpeg_with_gps() + b"\0" * 3000), "a photo may be at most"),
])
def test_a_fake_or_oversize_photo_is_refused_with_a_message(client, entry, psm, settings, upload, message):
    settings.EVIDENCE_PHOTO_MAX_BYTES = 2500
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    response = post_with_evidence(client, v, **{"ev-photo_front": upload})
    assert response.status_code == 200 and message in response.text
    v.refresh_from_db()
    assert not v.photo_front and v.version == 1


def test_the_refusal_is_in_indonesian(client, entry, psm):
    v = do_assign(entry, psm, actor=psm)
    client.force_login(psm)
    client.cookies["django_language"] = "id"
    data = form_data(v, client)
    response = client.post(reverse("verification:edit", args=[v.pk]), {**data, "ev-photo_front": photo("x.jpg", FAKE)})
    assert "Berkas ini bukan foto yang diterima aplikasi" in response.text


@pytest.fixture
def with_photo(entry, psm, tksk):
    v = accept(entry, psm, tksk, photos={"photo_front": (jpeg_with_gps())}, location=None)
    return Verification.objects.get(pk=v.pk)


def test_the_supervisor_sees_the_photo_beside_the_answers_and_the_view_is_logged(client, with_photo, tksk):
    client.force_login(tksk)
    page = client.get(reverse("verification:edit", args=[with_photo.pk]))
    url = reverse("verification:photo", args=[with_photo.pk, "front"])
    assert url in page.text and "Evidence from the field" in page.text
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    log = PersonalDataAccess.objects.get(object_type="verification", object_id=str(with_photo.pk))
    assert (log.user, log.action, log.fields) == (tksk, "view", "photo_front")


@pytest.mark.parametrize(("role", "region", "status"), [
    (Role.PSM, VILLAGE_OTHER_SUB, 404), (Role.TKSK, "190102", 404), (Role.PROGRAM_MANAGER, None, 404),
    (Role.DISTRICT_OPERATOR, "1902", 404),
])
def test_out_of_scope_readers_get_no_photo_and_nothing_is_logged(client, with_photo, make_user, role, region,
                                                                  status):
    client.force_login(make_user(role, region))
    assert client.get(reverse("verification:photo", args=[with_photo.pk, "front"])).status_code == status
    assert not PersonalDataAccess.objects.filter(fields="photo_front").exists()


def test_a_missing_photo_or_other_field_is_not_found(client, with_photo, tksk):
    client.force_login(tksk)
    assert client.get(reverse("verification:photo", args=[with_photo.pk, "inside"])).status_code == 404
    assert client.get(reverse("verification:photo", args=[with_photo.pk, "answers"])).status_code == 404


def test_the_xlsform_asks_for_two_photos_and_the_location(entry, tmp_path):
    form, _attachment = write_xlsform(entry.prelist, tmp_path / "form.xlsx", "1")
    warnings = []
    xform = convert(str(form), warnings=warnings).xform
    assert warnings == []
    assert '<bind nodeset="/data/location" type="geopoint"/>' in xform
    for name in ("photo_front", "photo_inside"):
        assert f'nodeset="/data/{name}"' in xform and 'mediatype="image/*"' in xform
    assert 'orx:max-pixels="2048"' in xform


def _with_media(data: dict, files: dict[str, bytes]) -> bytes:
    """An ODK Central "all records with media" zip: the CSVs, and each photo under media/."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_export_zip(data))) as source, zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        for name, content in files.items():
            archive.writestr(f"media/{name}", content)
    return out.getvalue()


def test_an_odk_upload_with_its_media_stores_the_photo_stripped_and_the_geopoint(
        client, entry, psm, operator, settings, django_capture_on_commit_callbacks):
    data = submission(entry, psm.username, "uuid:p1", form_version=form_version(), photo_front="1700000.jpg",
                      **{"location-Latitude": "-1.5", "location-Longitude": "105.9", "location-Accuracy": "4.2"})
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("verification:odk"), {"file": SimpleUploadedFile(
            "export.zip", _with_media(data, {"1700000.jpg": jpeg_with_gps(), "../evil.jpg": FAKE}))})
    job = JobRun.objects.get(kind=ODK_IMPORT_JOB)
    assert job.result["applied"] == 1, SubmissionImport.objects.get().report
    v = Verification.objects.get()
    assert v.photo_front and not v.photo_inside
    assert gps_of((settings.MEDIA_ROOT / v.photo_front.name).read_bytes()) == {}
    assert (str(v.latitude), str(v.longitude), v.location_accuracy) == ("-1.500000", "105.900000", 4)


@pytest.mark.parametrize(("over", "code"), [
    ({"photo_front": "not-sent.jpg"}, "missing_photo"),
    ({"photo_front": "fake.jpg"}, "bad_photo"),
    ({"location": "-1.5"}, "bad_location"),
])
def test_an_odk_row_with_a_missing_or_bad_photo_or_location_is_flagged(entry, psm, tmp_path, over, code):
    data = submission(entry, psm.username, "uuid:p2", form_version=form_version(), **over)
    main = {**{k: v for k, v in data.items() if k not in ("hh", "members", "meta")},
            **{f"hh-{k}": v for k, v in data["hh"].items()}, "KEY": "uuid:p2"}
    (tmp_path / "export.csv").write_text(_csv([main]))
    (tmp_path / "export-members.csv").write_text(_csv([{**m, "nik": m.get("nik", ""), "pregnant": m.get("pregnant", ""),
                                                        "PARENT_KEY": "uuid:p2"} for m in data["members"]]))
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "fake.jpg").write_bytes(FAKE)
    result = import_submissions(tmp_path / "export.csv", form_version(), user=psm)
    assert result.applied == 0 and [r["code"] for r in result.report] == [code]


def test_a_kobo_json_geopoint_is_read(entry, psm, tmp_path):
    import json

    data = submission(entry, psm.username, "uuid:p3", form_version=form_version(), location="-1.25 105.5 30 6.0")
    (tmp_path / "export.json").write_text(json.dumps([data]))
    assert import_submissions(tmp_path / "export.json", form_version(), user=psm).applied == 1
    v = Verification.objects.get()
    assert (str(v.latitude), str(v.longitude), v.location_accuracy) == ("-1.250000", "105.500000", 6)


def test_the_retention_rule_drops_old_evidence_and_its_history(with_photo, settings, entry, make_household, psm,
                                                                tksk):
    other = accept(make_entry(entry.prelist, make_household(VILLAGE_IN)), psm, tksk, data=answers("1901010105800002"))
    assert other.status == Status.ACCEPTED and not other.photo_front
    path = settings.MEDIA_ROOT / with_photo.photo_front.name
    settings.RETENTION_DAYS = {"FIELD_EVIDENCE": 0}
    counts = {rule.label: n for rule, n in purge(dry_run=True)}
    assert counts["field evidence of verifications"] == 1 and path.exists()
    purge(dry_run=False)
    with_photo.refresh_from_db()
    assert not with_photo.photo_front and not path.exists() and with_photo.answers
    assert not with_photo.history.exclude(photo_front="").exists()


def test_recent_evidence_is_kept(with_photo, settings):
    settings.RETENTION_DAYS = {"FIELD_EVIDENCE": 30}
    purge(dry_run=False)
    with_photo.refresh_from_db()
    assert with_photo.photo_front


def test_it_is_scoped_to_the_sub_district(with_photo, make_user, client):
    client.force_login(make_user(Role.TKSK, SUNGAILIAT))
    assert client.get(reverse("verification:photo", args=[with_photo.pk, "front"])).status_code == 200
