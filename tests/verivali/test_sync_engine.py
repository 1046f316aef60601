"""The sync engine on a small planted dataset: each finding kind and each bad-input case."""

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from mutakhir.engines import get_engine
from mutakhir.identification.linkage.io import InputError
from mutakhir.verivali import sync_engine

from .sync_data import EXPECTED, EXTRACT, write_extract, write_registrations, write_registry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def run(tmp_path):
    def run(extract_rows=EXTRACT, district="1901", registrations=True):
        members, households = sync_engine.read_registry(write_registry(tmp_path / "registry"))
        regs = sync_engine.read_registrations(write_registrations(tmp_path / "regs")) if registrations else None
        extract = sync_engine.read_extract(write_extract(tmp_path / "extract", extract_rows))
        engine = get_engine("duckdb")
        summary = sync_engine.find_changes(engine, sync_engine.SyncInputs(members, households, extract, regs),
                                           district=district)
        findings = sync_engine.fetch_findings(engine)
        engine.close()
        return summary, findings

    return run


def test_it_finds_each_planted_change_and_nothing_else(run):
    summary, findings = run()
    got = {(f["record_id"], f["kind"]): (f["exact"], f["proposed_value"], f["problem"]) for f in findings}
    assert got == EXPECTED
    assert summary["linked_by_nik"] + summary["linked_by_name_birth"] == 11
    assert summary["findings"]["death"] == {"exact": 1, "other": 1, "flagged": 1}


def test_it_keeps_the_evidence_of_a_finding(run):
    _summary, findings = run()
    death = next(f for f in findings if f["record_id"] == "B-1")
    assert (death["method"], death["civil_record_id"], death["civil_line"]) == ("name_birth", "C3", 4)
    registered = next(f for f in findings if f["record_id"] == "I-1")
    assert str(registered["registered_on"]) == "2025-04-01"


def test_it_reports_bad_input_rows_by_line(run):
    summary, _findings = run()
    problems = summary["input_problems"]
    assert problems["duplicate_nik"] == {"niks": 1, "rows": 2, "lines": [[10, 11]]}
    assert problems["outside_region"] == {"rows": 1, "lines": [14]}
    assert problems["bad_death_date"] == {"rows": 1, "lines": [13]}


def test_it_flags_a_death_only_without_a_later_registration(run):
    _summary, findings = run(registrations=False)
    death = next(f for f in findings if f["record_id"] == "I-1")
    assert death["problem"] == ""


def test_a_move_within_the_district_is_no_finding(run):
    rows = [r if r[0] != "C4" else (*r[:6], "1901022004", "", "") for r in EXTRACT]
    _summary, findings = run(rows)
    assert not [f for f in findings if f["record_id"] == "C-1"]


def test_a_new_nik_held_by_another_member_is_flagged(run):
    rows = [r if r[0] != "C7" else ("C7", "1901010707920001", *r[2:]) for r in EXTRACT]
    _summary, findings = run(rows)
    assert {f["problem"] for f in findings if f["record_id"] == "F-1"} == {"nik_in_use"}


def test_an_extract_without_region_code_is_refused(tmp_path):
    (tmp_path / "members.csv").write_text("record_id,name\nC1,AHMAD\n", encoding="utf-8")
    with pytest.raises(InputError, match="region_code"):
        sync_engine.read_extract(tmp_path)


def test_the_command_writes_findings_in_file_mode(tmp_path):
    out = tmp_path / "out"
    call_command("verivali", "sync", "--extract", str(write_extract(tmp_path / "extract")),
                 "--registry", str(write_registry(tmp_path / "registry")), "--district", "19.01",
                 "--registrations", str(write_registrations(tmp_path / "regs")), "--out", str(out))
    with (out / "findings.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["record_id"], r["kind"]) for r in rows} == set(EXPECTED)
    assert json.loads((out / "summary.json").read_text())["input_problems"]["outside_region"]["rows"] == 1


def test_the_command_refuses_a_bad_district(tmp_path):
    with pytest.raises(CommandError, match="district"):
        call_command("verivali", "sync", "--extract", str(tmp_path), "--district", "19.x")
