"""A hostile PMT model file gets a clear message, never a 500 (issue 17.10)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mutakhir.accounts.models import Role
from mutakhir.ranking.model import ModelError, PmtModel
from mutakhir.ranking.models import PmtModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client, make_user):
    client.force_login(make_user(Role.NATIONAL, None))
    client.cookies["django_language"] = "en"
    return client


def upload(client, content: bytes):
    return client.post("/ranking/models/upload/", {"name": "pmt", "file": SimpleUploadedFile("m.json", content)})


@pytest.mark.parametrize(("content", "message"), [
    (b"[" * 200_000 + b"]" * 200_000, "nested more than 64 levels deep"),
    (b'{"format": ' + b"9" * 5000 + b"}", "more than 4300 digits"),
    (b'{"format": "mutakhir-pmt", "version": NaN}', "NaN is not a finite number"),
    (b'{"format": 1e999}', "1e999 is not a finite number"),
])
def test_a_hostile_model_file_is_refused_with_a_message(national, content, message):
    response = upload(national, content)
    assert response.status_code == 400
    assert "Model file is not valid JSON" in response.content.decode() and message in response.content.decode()
    assert not PmtModelVersion.objects.exists()


def test_a_coefficient_too_large_for_a_float_is_a_field_error(national, model):
    """A 400-digit integer parses as JSON, then overflowed math.isfinite() in the check (OverflowError)."""
    data = model.to_dict()
    data["models"][0]["intercept"] = 10**400
    response = upload(national, json.dumps(data).encode())
    assert response.status_code == 400 and "field models[0].intercept: expected a finite number" in (
        response.content.decode())
    assert not PmtModelVersion.objects.exists()


def test_the_command_line_loader_refuses_it_too(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(ModelError, match="nested more than 64 levels deep"):
        PmtModel.load(path)
