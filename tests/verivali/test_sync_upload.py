"""The extract upload: a size limit (checked before the body is read where it can be) and the zip guard."""

import io
import zipfile
from pathlib import Path

import pytest

from mutakhir.accounts.models import Role
from mutakhir.verivali.models import CivilSync

CSV = b"record_id,name,region_code\nC1,AHMAD,1901011001\n"


@pytest.fixture
def operator_client(regions, make_user, client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "id"
    client.force_login(make_user(Role.DISTRICT_OPERATOR, "1901"))
    return client


def upload(client, name: str, data: bytes):
    fh = io.BytesIO(data)
    fh.name = name
    return client.post("/verivali/sync/start/", {"extract": fh})


def kept_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "verivali" / "extracts"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def bomb() -> bytes:
    """A 4 KB zip whose members.csv inflates to 8 MB (about 2,000 times): a zip bomb in miniature."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("members.csv", CSV + b"0" * 8 * 2**20)
    return buffer.getvalue()


def test_an_extract_over_the_size_limit_is_refused_in_indonesian(operator_client, settings):
    settings.VERIVALI_EXTRACT_MAX_BYTES = 40
    response = upload(operator_client, "members.csv", CSV)
    assert response.status_code == 400
    assert f"Ekstrak berukuran {len(CSV)}\xa0bita; paling besar 40\xa0bita yang diterima" in response.text
    assert not CivilSync.objects.exists() and kept_files(settings) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(operator_client, settings):
    settings.VERIVALI_EXTRACT_MAX_BYTES = 1000
    response = upload(operator_client, "members.csv", CSV + b"x" * (2 * 2**20))
    assert response.status_code == 413
    assert "Ekstrak berukuran 2,0\xa0MB; paling besar 1000\xa0bita yang diterima" in response.text
    assert not CivilSync.objects.exists() and kept_files(settings) == []


def test_a_zip_bomb_is_refused_without_unpacking(operator_client, settings):
    data = bomb()
    assert len(data) < 20_000
    response = upload(operator_client, "dukcapil-2025.zip", data)
    assert response.status_code == 400
    assert "members.csv di dalam dukcapil-2025.zip dimampatkan" in response.text
    assert "seperti bom zip: ditolak tanpa dibuka" in response.text
    assert not CivilSync.objects.exists() and kept_files(settings) == []


def test_a_zip_over_the_unpacked_limit_is_refused(operator_client, settings):
    settings.UNZIP_MAX_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("members.csv", CSV * 40)
    response = upload(operator_client, "ekstrak.zip", buffer.getvalue())
    assert response.status_code == 400
    assert "ekstrak.zip akan terbuka menjadi" in response.text and "ditolak tanpa dibuka" in response.text
    assert not CivilSync.objects.exists()


def test_a_file_named_zip_that_is_no_zip_is_refused(operator_client, settings):
    response = upload(operator_client, "ekstrak.zip", CSV)
    assert response.status_code == 400
    assert "ekstrak.zip bukan berkas zip" in response.text
    assert not CivilSync.objects.exists() and kept_files(settings) == []


def test_another_file_type_is_refused(operator_client, settings):
    response = upload(operator_client, "ekstrak.xlsx", b"PK\x03\x04")
    assert response.status_code == 400
    assert "Unggah ekstrak sebagai .zip berisi members.csv" in response.text
    assert not CivilSync.objects.exists()


def test_no_file_gives_a_clear_message(operator_client):
    response = operator_client.post("/verivali/sync/start/", {})
    assert response.status_code == 400
    assert "Pilih ekstrak data kependudukan" in response.text


def test_a_good_zip_within_the_limits_starts_the_sync(operator_client, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("members.csv", CSV)
    response = upload(operator_client, "dukcapil 2025.zip", buffer.getvalue())
    sync = CivilSync.objects.get()
    assert response.status_code == 302 and response.url == f"/verivali/sync/{sync.pk}/"
    assert Path(sync.extract).name == "dukcapil_2025.zip" and Path(sync.extract).is_file()
