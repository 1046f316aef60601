"""ODK from the browser: a prelist's form as one logged .zip, an export uploaded and imported by a job, in scope."""

import csv
import io
import json
import zipfile

import pytest
from conftest import SUNGAILIAT, VILLAGE_IN, VILLAGE_OTHER_DISTRICT
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.verification.access import ODK_IMPORT_JOB
from mutakhir.verification.models import Status, SubmissionImport, Verification
from mutakhir.verification.odk_uploads import upload_folder
from mutakhir.verification.xlsform import form_version

from .fixtures import make_entry, make_prelist
from .test_odk import submission

pytestmark = pytest.mark.django_db
REASON = "Formulir untuk tim lapangan"


@pytest.fixture(autouse=True)
def private_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def entries(entry, make_household):
    return [entry, *(make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(2))]


def rows(entries, psm):
    """A clean first row, an unknown code, an older form and a household not in the prelist."""
    v = form_version()
    stranger = submission(entries[2], psm.username, "uuid:w4", form_version=v)
    stranger["household"] = "9999999999"
    out = [submission(entries[0], psm.username, "uuid:w1", form_version=v),
           submission(entries[1], psm.username, "uuid:w2", form_version=v, floor_material="42"),
           submission(entries[2], psm.username, "uuid:w3", form_version="2024"), stranger]
    for n, row in enumerate(out[1:], 2):  # one person is in one household of a period
        row["members"][0]["nik"] = f"19010101058000{n:02d}"
    return out


def post(client, name, content, capture):
    with capture(execute=True):
        return client.post(reverse("verification:odk"), {"file": SimpleUploadedFile(name, content)})


def test_the_form_is_one_zip_with_a_valid_xlsform_and_its_prelist_csv_logged_with_a_reason(client, entry, operator,
                                                                                            tmp_path):
    client.force_login(operator)
    url = reverse("verification:odk_form", args=[entry.prelist_id])
    asked = client.get(url)
    assert asked.status_code == 200 and 'name="reason"' in asked.text and not PersonalDataAccess.objects.exists()
    response = client.post(url, {"reason": REASON})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["form.xlsx", f"prelist_{VILLAGE_IN}.csv"]
    archive.extractall(tmp_path)
    warnings = []
    xform = convert(str(tmp_path / "form.xlsx"), warnings=warnings).xform
    assert warnings == [] and f'version="{form_version()}"' in xform
    assert f"jr://file-csv/prelist_{VILLAGE_IN}.csv" in xform
    attached = list(csv.DictReader((tmp_path / f"prelist_{VILLAGE_IN}.csv").open()))
    assert attached[0]["name"] == entry.household.household_id
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.object_id, log.fields, log.reason) == (
        operator, "export", str(entry.prelist_id), "xlsform", REASON)


def test_the_form_is_reached_from_the_prelist_page_and_the_verification_page(client, entry, operator):
    client.force_login(operator)
    form_url = reverse("verification:odk_form", args=[entry.prelist_id])
    assert form_url in client.get(reverse("identification:prelist", args=[entry.prelist_id])).text
    assert reverse("verification:odk") in client.get(reverse("verification:index")).text
    assert form_url in client.get(reverse("verification:odk")).text


@pytest.mark.parametrize(("role", "region", "status"), [(Role.DISTRICT_OPERATOR, "1902", 404),
                                                        (Role.TKSK, "190102", 404), (Role.PSM, VILLAGE_IN, 403)])
def test_the_form_out_of_scope_is_not_found_and_a_psm_may_not(client, entry, make_user, role, region, status):
    client.force_login(make_user(role, region))
    url = reverse("verification:odk_form", args=[entry.prelist_id])
    assert client.get(url).status_code == client.post(url, {"reason": REASON}).status_code == status
    assert not PersonalDataAccess.objects.exists()


def test_an_upload_applies_the_clean_rows_and_reports_the_others_with_the_cli_codes(
        client, entries, psm, tksk, django_capture_on_commit_callbacks):
    client.force_login(tksk)
    response = post(client, "export.json", json.dumps({"value": rows(entries, psm)}).encode(),
                    django_capture_on_commit_callbacks)
    job = JobRun.objects.get(kind=ODK_IMPORT_JOB)
    assert response["Location"] == reverse("verification:odk_import", args=[job.pk])
    assert (job.state, job.region_code, job.created_by) == (JobRun.State.DONE, SUNGAILIAT, tksk)
    result = SubmissionImport.objects.get(pk=job.result["import"])
    assert (result.applied, result.flagged, result.user, result.source) == (1, 3, tksk, "export.json")
    assert {(r["row"], r["code"]) for r in result.report} >= {(2, "unknown_code"), (3, "form_version"),
                                                               (4, "unknown_household")}
    v = Verification.objects.get()
    assert (v.entry, v.status, v.source, v.verifier) == (entries[0], Status.SUBMITTED, "odk", psm)
    assert list(upload_folder().iterdir()) == []  # the export's personal data is gone with the job
    page = client.get(response["Location"]).text
    assert "uuid:w2" in page and "unknown_code" in page and "Download the report (.xlsx)" in page
    book = load_workbook(io.BytesIO(client.get(reverse("verification:odk_report", args=[job.pk])).content))
    table = list(book.active.values)
    assert table[0] == ("Row", "Instance ID", "Household", "Code", "Message")
    assert [(r[0], r[3]) for r in table[1:]] == [(r["row"], r["code"]) for r in result.report]


def _export_zip(data: dict) -> bytes:
    """An ODK Central .zip: the main CSV (groups as hh-…) and the members repeat CSV, linked by KEY."""
    top = {k: v for k, v in data.items() if k not in ("hh", "members", "meta")}
    main = {**top, **{f"hh-{k}": v for k, v in data["hh"].items()}, "KEY": data["meta"]["instanceID"]}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mutakhir_verif_1.csv", _csv([main]))
        archive.writestr("mutakhir_verif_1-members.csv", _csv(
            [{**m, "nik": m.get("nik", ""), "pregnant": m.get("pregnant", ""), "PARENT_KEY": main["KEY"]}
             for m in data["members"]]))
    return out.getvalue()


def _csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def test_a_zip_of_the_csv_and_its_members_csv_is_imported(client, entry, psm, operator,
                                                          django_capture_on_commit_callbacks):
    client.force_login(operator)
    data = submission(entry, psm.username, "uuid:z1", form_version=form_version())
    post(client, "odk-export.zip", _export_zip(data), django_capture_on_commit_callbacks)
    job = JobRun.objects.get(kind=ODK_IMPORT_JOB)
    assert job.result["applied"] == 1, SubmissionImport.objects.get().report
    assert [m["name"] for m in Verification.objects.get().answers["members"]] == ["Budi", "Siti"]


@pytest.mark.parametrize("hide", ["top", "group", "csv"])
def test_a_file_naming_a_prelist_outside_the_region_is_refused_whole(client, entry, psm, make_user, hide,
                                                                     django_capture_on_commit_callbacks):
    far_operator = make_user(Role.DISTRICT_OPERATOR, "1902")
    own = make_entry(make_prelist(VILLAGE_OTHER_DISTRICT, far_operator))
    client.force_login(far_operator)
    data = submission(entry, psm.username, "uuid:far", form_version=form_version())
    if hide == "group":  # the import flattens groups: a prelist_id inside one counts as well
        data["grp"] = {"prelist_id": data.pop("prelist_id")}
    own_row = {"prelist_id": str(own.prelist_id), "household": own.registration.number}
    if hide == "csv":
        data["meta-prelist_id"] = data.pop("prelist_id")
        post(client, "e.zip", _export_zip(data), django_capture_on_commit_callbacks)
    else:
        post(client, "e.json", json.dumps([own_row, data]).encode(), django_capture_on_commit_callbacks)
    job = JobRun.objects.get(kind=ODK_IMPORT_JOB)
    assert job.result == {"refused": f"The file holds submissions for prelists outside your area "
                                     f"({entry.prelist_id}): nothing was imported."}
    assert not Verification.objects.exists() and not SubmissionImport.objects.exists()
    assert "nothing was imported" in client.get(reverse("verification:odk_import", args=[job.pk])).text
    assert list(upload_folder().iterdir()) == []


def test_another_regions_import_is_not_shown(client, entries, psm, tksk, make_user,
                                             django_capture_on_commit_callbacks):
    client.force_login(tksk)
    post(client, "export.json", json.dumps(rows(entries, psm)).encode(), django_capture_on_commit_callbacks)
    job = JobRun.objects.get(kind=ODK_IMPORT_JOB)
    for outsider in (make_user(Role.TKSK, "190102"), make_user(Role.DISTRICT_OPERATOR, "1902"), psm):
        client.force_login(outsider)
        for name in ("verification:odk_import", "verification:odk_report"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert client.get(reverse("job_status", args=[job.pk])).status_code == 404


def test_a_psm_may_not_upload(client, psm):
    client.force_login(psm)
    response = client.post(reverse("verification:odk"), {"file": SimpleUploadedFile("e.json", b"[]")})
    assert response.status_code == 403 and not JobRun.objects.exists()
    assert reverse("verification:odk") not in client.get(reverse("verification:index")).text


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "error"), [
    ("bomb.zip", make_zip({"e.csv": b"prelist_id\n" + b"0" * 4 * 2**20}), "zip bomb"),
    ("two.zip", make_zip({"a.csv": b"x\n", "b.csv": b"x\n"}), "at most one members CSV"),
    ("broken.zip", b"PK not a zip", "not a valid .zip"),
    ("export.xlsx", b"x", "Upload the export as a .zip"),
    ("big.json", b"[" + b" " * 200 + b"]", "the limit is 0 MB"),
])
def test_unsafe_or_wrong_uploads_are_refused_before_any_job(client, tksk, settings, name, content, error):
    settings.ODK_IMPORT_MAX_BYTES = 100 if name == "big.json" else 50 * 2**20
    client.force_login(tksk)
    response = client.post(reverse("verification:odk"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and error in response.text
    assert not JobRun.objects.exists()
    assert not upload_folder().exists() or list(upload_folder().iterdir()) == []


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, tksk, settings):
    settings.ODK_IMPORT_MAX_BYTES = 0
    client.force_login(tksk)
    big = SimpleUploadedFile("e.json", b"[" + b" " * (2**20 + 10) + b"]")
    response = client.post(reverse("verification:odk"), {"file": big})
    assert response.status_code == 413 and "the limit is 0 MB" in response.text and not JobRun.objects.exists()


def test_the_command_writes_the_version_the_web_import_expects(entry, tmp_path):
    call_command("verification", "xlsform", "--prelist", str(entry.prelist_id), "--out", str(tmp_path / "f.xlsx"))
    settings_sheet = load_workbook(tmp_path / "f.xlsx")["settings"]
    assert settings_sheet["C2"].value == form_version() == form_version()
