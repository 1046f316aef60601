"""Exporting the registry: exact columns, region prefix, scoping, manifest, and round-trips."""

import csv
import hashlib
import json

import pytest
from conftest import SUNGAILIAT, VILLAGE_IN
from exchange_data import HOUSEHOLD, MEMBER, dataset, households, members

from mutakhir.accounts.models import Role
from mutakhir.registry.exchange.exporter import export_dataset
from mutakhir.registry.exchange.importer import import_dataset
from mutakhir.registry.models import EndReason, Household, Member

SKIP = {"id", "version", "created_at", "updated_at", "update_period"}


def snapshot():
    def rows(model, key):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIP | {"household_id"}]
        extra = ["household__household_id"] if model is Member else ["household_id"]
        return {r[0]: r for r in model.objects.order_by(key).values_list(key, *fields, *extra)}

    return rows(Household, "household_id"), rows(Member, "record_id")


def wipe():
    Member.history.all().delete()
    Household.history.all().delete()
    Member.objects.all().delete()
    Household.objects.all().delete()


@pytest.fixture
def registry(regions, tmp_path):
    hh = households(4) + [HOUSEHOLD | {"household_id": "H5", "region_code": "1902011001", "floor_area_m2": "",
                                       "has_car": "", "address": 'Jl. "Koma", 3'}]
    mm = members(("H1", "H2", "H3", "H4")) + [MEMBER | {"record_id": "H5-1", "household_id": "H5", "nik": "",
                                                        "birth_date": "", "name": "Ny. ÉLISE  d'Arc"}]
    result = import_dataset(dataset(tmp_path / "seed", hh, mm))
    assert result.batch.status == "done", result.log.summary()
    Household.objects.filter(household_id="H4").update(ended_at="2025-01-31T10:00:00+07:00",
                                                       end_reason=EndReason.MOVED)
    Member.objects.filter(record_id="H1-2").update(ended_at="2025-02-01T00:00:00+07:00", end_reason=EndReason.DIED)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_it_round_trips_through_an_empty_database(registry, tmp_path, fmt):
    before = snapshot()
    manifest = export_dataset(tmp_path / "out", fmt=fmt, include_ended=True)
    assert manifest["files"][f"households.{fmt}"]["rows"] == 5
    wipe()
    result = import_dataset(tmp_path / "out")
    assert result.log.errors == 0 and result.log.warnings == 0
    assert snapshot() == before


def test_it_writes_exactly_the_format_columns_and_skips_ended_rows(registry, tmp_path):
    export_dataset(tmp_path / "out")
    with (tmp_path / "out" / "households.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [*HOUSEHOLD, "land_title", "electricity_power", "toilet_type", "sewage"]
    assert [r[0] for r in rows[1:]] == ["H1", "H2", "H3", "H5"]
    h1 = dict(zip(rows[0], rows[1], strict=True))
    assert h1["floor_area_m2"] == "36.50" and h1["has_gas_cylinder"] == "1" and h1["land_title"] == ""
    with (tmp_path / "out" / "members.csv").open(encoding="utf-8") as fh:
        mrows = list(csv.reader(fh))
    assert mrows[0] == [*MEMBER, "marital_status", "school_attendance"]
    assert "H1-2" not in {r[0] for r in mrows} and "H4-1" not in {r[0] for r in mrows}


def test_it_limits_the_export_to_a_region_and_writes_a_manifest(registry, tmp_path):
    manifest = export_dataset(tmp_path / "out", region="19.01")
    assert manifest["region"] == "19.01" and manifest["format_version"] == 1
    assert manifest["files"]["households.csv"]["rows"] == 3
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text())
    digest = hashlib.sha256((tmp_path / "out" / "members.csv").read_bytes()).hexdigest()
    assert on_disk["files"]["members.csv"]["sha256"] == digest


def test_it_exports_only_what_the_user_may_see(registry, make_user, tmp_path):
    user = make_user(Role.TKSK, SUNGAILIAT)
    export_dataset(tmp_path / "out", user=user)
    with (tmp_path / "out" / "households.csv").open(encoding="utf-8") as fh:
        assert {r["region_code"] for r in csv.DictReader(fh)} == {VILLAGE_IN}


def test_it_writes_a_zip_that_imports_back(registry, tmp_path):
    export_dataset(tmp_path / "out.zip", fmt="parquet")
    wipe()
    batch = import_dataset(tmp_path / "out.zip").batch
    assert batch.status == "done" and (batch.households_created, batch.members_created) == (4, 6)
