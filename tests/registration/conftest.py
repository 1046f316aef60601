"""Registration fixtures: an open update period in Bangka, staff per role, a valid payload."""

import datetime as dt

import pytest
from conftest import BANGKA, VILLAGE_IN, in_english

from mutakhir.accounts.models import Role
from mutakhir.registry.models import UpdatePeriod

HEAD_NIK = "1901010105800001"  # man born 1980-05-01, Sungailiat
WIFE_NIK = "1901014506820002"  # woman born 1982-06-05
CHILD_NIK = "1901011203100003"  # boy born 2010-03-12
KK = "1901011503200003"


english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture(autouse=True)
def private_var(settings, tmp_path):
    """Keep uploads waiting for an import job in the test's own folder, not the app's var/."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def period(regions):
    return UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2025", starts_on=dt.date(2025, 1, 1))


@pytest.fixture
def registrar(make_user, period):
    return make_user(Role.REGISTRAR, VILLAGE_IN, username="kasi")


def payload(**overrides) -> dict:
    """Return the data of a valid active registration in VILLAGE_IN."""
    data = {
        "region_code": VILLAGE_IN, "address": "Jl. Melati No. 3, Dusun II", "rt": "002", "rw": "001",
        "consent": True, "id_document_seen": "ktp", "floor_material": 8, "wall_material": 4, "has_motorcycle": True,
        "members": [
            {"nik": HEAD_NIK, "kk": KK, "name": "Budi Santoso", "sex": 1, "birth_date": "1980-05-01", "relation": 1},
            {"nik": WIFE_NIK, "kk": KK, "name": "Sri Wahyuni", "sex": 2, "birth_date": "1982-06-05", "relation": 2},
            {"nik": CHILD_NIK, "kk": KK, "name": "Adi", "sex": 1, "birth_date": "2010-03-12", "relation": 3},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def client(client):
    """A test client whose requests ask for English."""
    client.cookies["django_language"] = "en"
    return client
