"""Feeds in by API (issue 22.2): civil-registry extracts and agency signal files uploaded in chunks (resumable),
then imported by the upload pages' own services and jobs, followed at /api/jobs/<id>."""

import hashlib
from pathlib import Path

import pytest
from conftest import BANGKA, in_english

from mutakhir.accounts.models import Role
from mutakhir.core.models import ApiUpload, JobRun
from mutakhir.registration.models import TokenPurpose
from mutakhir.verivali.models import CivilSync, SignalImport

from .signals_data import ELECTRICITY, nik_of, write_csv

URL = "/api/feeds/uploads/"
english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def call(api_call):
    return api_call(TokenPurpose.FEEDS)


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA)


def declare(call, user, data: bytes, kind="signals", filename="pln.csv", **extra):
    body = {"kind": kind, "filename": filename, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            **({"agency": "electricity"} if kind == "signals" else {}), **extra}
    return call("post", URL, user, body)


def put(call, user, pk, offset, chunk):
    return call("put", f"{URL}{pk}?offset={offset}", user, chunk, content_type="application/octet-stream")


def send(call, user, pk, data: bytes, size: int = 40):
    for offset in range(0, len(data), size):
        assert put(call, user, pk, offset, data[offset:offset + size]).status_code == 200


def test_a_signal_file_is_uploaded_in_chunks_imported_and_followed(call, operator, make_household, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    household = make_household(electricity_power=1)
    data = write_csv(tmp_path / "pln.csv", ELECTRICITY, [[nik_of(household), "", "512345678901", "R1", "2200"]]
                     ).read_bytes()
    created = declare(call, operator, data)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    send(call, operator, pk, data)
    assert call("get", f"{URL}{pk}", operator).json()["received"] == len(data)
    with django_capture_on_commit_callbacks(execute=True):
        completed = call("post", f"{URL}{pk}/complete", operator)
    assert completed.status_code == 202, completed.content
    body = completed.json()
    signal_import = SignalImport.objects.get(pk=body["import_id"])
    assert (signal_import.region_id, signal_import.created_by, signal_import.job_id) == (BANGKA, operator, body["job"])
    job = call("get", f"/api/jobs/{body['job']}", operator).json()
    assert (job["state"], job["finished"], job["result"]["import"]) == ("done", True, signal_import.pk)
    assert signal_import.sha256 == hashlib.sha256(data).hexdigest()
    assert not list(Path(ApiUpload.objects.get().path).parent.glob("*.csv"))  # read, then deleted by the job


def test_a_broken_upload_resumes_from_the_offset_the_server_holds(call, operator):
    data = b"nik,no_kk,idpel,tarif,daya_va\n" + b"1901011111110001,,1,R1,900\n" * 20
    pk = declare(call, operator, data).json()["id"]
    assert put(call, operator, pk, 0, data[:100]).status_code == 200
    skipped = put(call, operator, pk, 200, data[200:300])
    assert skipped.status_code == 409 and skipped.json()["expected_offset"] == 100
    early = call("post", f"{URL}{pk}/complete", operator)
    assert early.status_code == 409 and early.json()["expected_offset"] == 100
    resume_at = call("get", f"{URL}{pk}", operator).json()["received"]
    send_from = data[resume_at:]
    assert put(call, operator, pk, resume_at, send_from).status_code == 200
    too_far = put(call, operator, pk, len(data), b"x")
    assert too_far.status_code == 409


def test_a_damaged_file_is_sent_again_from_byte_zero(call, operator):
    data = b"nik,no_kk,idpel,tarif,daya_va\n1901011111110001,,1,R1,900\n"
    pk = declare(call, operator, data).json()["id"]
    put(call, operator, pk, 0, data.replace(b"R1", b"R2"))
    damaged = call("post", f"{URL}{pk}/complete", operator)
    assert damaged.status_code == 409 and damaged.json()["expected_offset"] == 0
    assert call("get", f"{URL}{pk}", operator).json()["received"] == 0 and not SignalImport.objects.exists()
    Path(ApiUpload.objects.get(pk=pk).path).unlink()  # `mutakhir purge` took the upload left behind
    assert put(call, operator, pk, 0, data).status_code == 409


def test_a_civil_extract_starts_the_district_sync(call, operator):
    data = b"record_id,name,region_code\nC1,AHMAD,1901011001\n"
    pk = declare(call, operator, data, kind="civil_extract", filename="members.csv").json()["id"]
    send(call, operator, pk, data)
    completed = call("post", f"{URL}{pk}/complete", operator)
    assert completed.status_code == 202, completed.content
    sync = CivilSync.objects.get(pk=completed.json()["import_id"])
    assert (sync.region_code, sync.created_by, sync.job.kind) == (BANGKA, operator, "civil_sync")
    assert (Path(sync.extract) / "members.csv").read_bytes() == data
    again = declare(call, operator, data, kind="civil_extract", filename="members.csv").json()["id"]
    send(call, operator, again, data)
    busy = call("post", f"{URL}{again}/complete", operator)  # the first sync is still queued
    assert busy.status_code == 400 and "sedang berjalan" in busy.json()["detail"]  # "already in progress"
    assert CivilSync.objects.count() == 1 and len(list(Path(sync.extract).parent.parent.iterdir())) == 1


def test_an_upload_and_its_job_belong_to_the_token_s_district(call, operator, make_user,
                                                             django_capture_on_commit_callbacks):
    data = b"nik,no_kk,idpel,tarif,daya_va\n1901011111110001,,1,R1,900\n"
    pk = declare(call, operator, data).json()["id"]
    other = make_user(Role.DISTRICT_OPERATOR, "1902")
    assert put(call, other, pk, 0, data).status_code == 404
    assert call("get", f"{URL}{pk}", other).status_code == 404
    assert call("post", f"{URL}{pk}/complete", other).status_code == 404
    send(call, operator, pk, data)
    with django_capture_on_commit_callbacks(execute=True):
        job = call("post", f"{URL}{pk}/complete", operator).json()["job"]
    assert JobRun.objects.get(pk=job).region_code == BANGKA
    assert call("get", f"/api/jobs/{job}", other).status_code == 404
    assert call("get", f"/api/jobs/{job}", make_user(Role.REGISTRAR, "1901011001")).status_code == 404


def test_a_token_of_another_purpose_is_refused(api_call, operator):
    data = b"x,y\n"
    packages = api_call(TokenPurpose.PACKAGES)
    assert declare(packages, operator, data).status_code == 403 and not ApiUpload.objects.exists()


def test_only_the_roles_of_the_upload_pages_may_upload(call, make_user):
    data = b"x,y\n"
    for role, region in ((Role.REGISTRAR, "1901011001"), (Role.DISTRICT_HEAD, BANGKA), (Role.AUDITOR, BANGKA)):
        user = make_user(role, region)
        assert declare(call, user, data).status_code == 403
        assert declare(call, user, data, kind="civil_extract", filename="members.csv").status_code == 403
    operator = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    assert declare(call, operator, data, filename="pln.xlsx").status_code == 400
    assert declare(call, operator, data, agency=None).status_code == 400
    assert not ApiUpload.objects.exists()
