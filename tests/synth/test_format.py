"""Columns, references, manifests and determinism of `mutakhir synth` output."""

import hashlib
import json
import subprocess
import sys

import pytest

from mutakhir.synth import generate

from .conftest import N, header

HOUSEHOLD = ["household_id", "region_code", "address", "rt", "rw", "floor_area_m2", "floor_material",
             "wall_material", "roof_material", "water_source", "lighting", "cooking_fuel", "toilet", "tenure",
             "has_gas_cylinder", "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat", "has_gold",
             "owns_land", "livestock"]
MEMBER = ["record_id", "household_id", "nik", "kk", "name", "sex", "birth_date", "birth_place", "relation",
          "education", "work_status", "work_sector", "disability", "chronic_illness", "pregnant"]


def test_it_writes_exactly_the_format_columns(district):
    assert header(district / "registry/households.csv") == HOUSEHOLD
    assert header(district / "registry/members.csv") == MEMBER
    assert header(district / "registrations/households.csv") == HOUSEHOLD + ["registration_kind", "registered_on"]
    assert header(district / "registrations/members.csv") == MEMBER
    assert header(district / "civil/members.csv") == MEMBER[:9] + ["region_code"]
    assert header(district / "truth/households.csv") == ["household_id", "registry_household_id", "category",
                                                        "change_kind"]
    assert header(district / "truth/members.csv") == ["record_id", "registry_record_id", "civil_record_id"]
    survey = header(district / "survey/households.csv")
    assert {"weight", "household_size", "region", "log_consumption_pc"} <= set(survey)
    assert set(HOUSEHOLD) - {"address", "rt", "rw"} <= set(survey)


def test_it_links_members_to_existing_households(data):
    for dataset in ("registry", "registrations"):
        ids = [r["household_id"] for r in data[f"{dataset}/households"]]
        assert len(ids) == len(set(ids))
        assert {m["household_id"] for m in data[f"{dataset}/members"]} <= set(ids)
        records = [m["record_id"] for m in data[f"{dataset}/members"]]
        assert len(records) == len(set(records))
    assert {r["household_id"] for r in data["truth/households"]} == {
        r["household_id"] for r in data["registrations/households"]}
    assert {r["record_id"] for r in data["truth/members"]} == {r["record_id"] for r in data["registrations/members"]}
    registry_records = {m["record_id"] for m in data["registry/members"]}
    civil_records = {m["record_id"] for m in data["civil/members"]}
    assert {t["registry_record_id"] for t in data["truth/members"]} - {""} <= registry_records
    assert {t["civil_record_id"] for t in data["truth/members"]} - {""} <= civil_records


def test_it_fills_codes_in_range(data):
    for row in data["registry/households"][:300]:
        assert row["region_code"].startswith("1901") and len(row["region_code"]) == 10
        assert 1 <= int(row["floor_material"]) <= 9 and 1 <= int(row["wall_material"]) <= 7
        assert row["has_car"] in ("0", "1") and float(row["floor_area_m2"]) >= 9
    for row in data["registrations/members"]:
        assert row["sex"] in ("1", "2") and 1 <= int(row["relation"]) <= 8


def test_it_writes_manifests_with_counts_and_hashes(district):
    for folder in ("civil", "registry", "registrations", "survey", "truth"):
        manifest = json.loads((district / folder / "manifest.json").read_text())
        assert manifest["format_version"] == 1 and manifest["kind"]
        for name, entry in manifest["files"].items():
            body = (district / folder / name).read_bytes()
            assert hashlib.sha256(body).hexdigest() == entry["sha256"]
            assert body.count(b"\n") == entry["rows"] + 1  # no embedded newlines in values


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_it_is_deterministic_for_a_seed(tmp_path):
    generate(400, 5, tmp_path / "a")
    generate(400, 5, tmp_path / "b")
    generate(400, 6, tmp_path / "c")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["civil/members.csv"] != _digest(tmp_path / "c")["civil/members.csv"]


def test_it_scores_perfectly_against_itself(district):
    script = "/work/shared/bench/score_linkage.py"
    pytest.importorskip("csv")
    try:
        out = subprocess.run([sys.executable, script, district / "truth", district / "truth"], capture_output=True,
                             text=True, check=True).stdout
    except FileNotFoundError:
        pytest.skip("score_linkage.py not available")
    figures = json.loads(out)
    assert figures["category_accuracy"] == 1.0 and figures["member_link_f1"] == 1.0


def test_it_registers_about_seven_percent(data):
    assert 0.06 * N <= len(data["registrations/households"]) <= 0.08 * N
    kinds = {r["registration_kind"] for r in data["registrations/households"]}
    assert kinds == {"aktif", "pasif", "musdes"}
