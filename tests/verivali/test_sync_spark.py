"""The civil-registry sync on Spark gives the same findings, evidence and summary as on DuckDB."""

import csv

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from mutakhir.engines import get_engine
from mutakhir.engines.spark import SparkEngine
from mutakhir.identification.linkage import io
from mutakhir.synth import civil_changes, generate
from mutakhir.verivali import sync_cli, sync_engine, sync_services
from mutakhir.verivali.models import CivilSync

from .sync_data import EXPECTED, EXTRACT, write_extract, write_registrations, write_registry

pytestmark = pytest.mark.spark


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def spark(spark_session):
    """The test session's one local Spark session (stopping it here would break later Spark tests)."""
    return spark_session


def run_both(spark, inputs: sync_engine.SyncInputs, district: str, out=None) -> dict:
    """Return {engine: (summary, findings)} of one sync on DuckDB and on Spark; write findings.csv under `out`."""
    results = {}
    for name, engine in (("duckdb", get_engine("duckdb")), ("spark", SparkEngine(spark))):
        try:
            summary = sync_engine.find_changes(engine, inputs, district=district)
            results[name] = summary, sync_engine.fetch_findings(engine)
            if out is not None:
                sync_engine.write_findings(engine, out / name)
        finally:
            engine.close()  # the shared session is not the engine's: it stays open
    return results


def small_inputs(tmp_path, rows=EXTRACT, registrations=True) -> sync_engine.SyncInputs:
    members, households = sync_engine.read_registry(write_registry(tmp_path / "registry"))
    regs = sync_engine.read_registrations(write_registrations(tmp_path / "regs")) if registrations else None
    return sync_engine.SyncInputs(members, households, sync_engine.read_extract(write_extract(tmp_path / "x", rows)),
                                  regs)


# Death dates in other forms DuckDB reads as dates (or not: Spark's own cast would read "2024-01" as a date).
DATE_FORMS = {"C1": "2024-5-1", "C3": "2024/06/01", "C12": "2024-01"}


def test_spark_finds_each_planted_change_with_the_same_evidence(spark, tmp_path):
    rows = [(*r[:7], DATE_FORMS.get(r[0], r[7]), r[8]) for r in EXTRACT]
    results = run_both(spark, small_inputs(tmp_path, rows), "1901", out=tmp_path / "out")
    (duck_summary, duck), (spark_summary, on_spark) = results["duckdb"], results["spark"]
    assert {(f["record_id"], f["kind"]): (f["exact"], f["proposed_value"], f["problem"]) for f in on_spark} == EXPECTED
    assert on_spark == duck
    assert spark_summary == duck_summary
    assert spark_summary["input_problems"]["duplicate_nik"] == {"niks": 1, "rows": 2, "lines": [[10, 11]]}
    assert spark_summary["input_problems"]["bad_death_date"] == {"rows": 1, "lines": [13]}
    assert str(next(f for f in on_spark if f["record_id"] == "I-1")["registered_on"]) == "2025-04-01"
    files = {}
    for name in ("duckdb", "spark"):
        with (tmp_path / "out" / name / "findings.csv").open(encoding="utf-8") as f:
            files[name] = list(csv.DictReader(f))
    assert files["spark"] == files["duckdb"] and len(files["spark"]) == len(EXPECTED)


def test_spark_gives_the_same_findings_on_a_synthetic_district(spark, tmp_path):
    generate(400, 5, tmp_path / "synth", "19.01")
    members, households = sync_engine.read_registry(tmp_path / "synth" / "registry")
    civil, _name = io.read_table(tmp_path / "synth" / "civil", "members", kind="civil")
    extract, truth, _counts = civil_changes.plant(members, households, civil, seed=2, duplicates=4, outsiders=6,
                                                  rates={"death": 0.05, "move": 0.05, "kk_change": 0.05,
                                                         "nik_correction": 0.05})
    (tmp_path / "extract").mkdir()
    pacsv.write_csv(extract, tmp_path / "extract" / "members.csv")
    inputs = sync_engine.SyncInputs(members, households, sync_engine.read_extract(tmp_path / "extract"))
    results = run_both(spark, inputs, "")
    (duck_summary, duck), (spark_summary, on_spark) = results["duckdb"], results["spark"]
    assert on_spark == duck
    assert spark_summary == duck_summary
    kinds = {f["kind"] for f in on_spark}
    assert kinds == {"death", "move", "kk_change", "nik_correction"}
    assert spark_summary["linked_by_name_birth"] > 0 and spark_summary["input_problems"]["outside_region"]["rows"] == 6
    expected = set(zip(*(truth[c].to_pylist() for c in ("record_id", "kind", "value")), strict=True))
    found = {(f["record_id"], f["kind"], f["proposed_value"]) for f in on_spark}
    assert len(found & expected) >= 0.95 * len(expected)


def test_the_command_runs_on_spark_in_file_mode(spark, tmp_path, monkeypatch):
    asked = []  # the command's own engine would stop the shared session when closed: hand it one that does not
    monkeypatch.setattr(sync_cli, "get_engine", lambda name: asked.append(name) or SparkEngine(spark))
    out = tmp_path / "out"
    call_command("verivali", "sync", "--engine", "spark", "--extract", str(write_extract(tmp_path / "extract")),
                 "--registry", str(write_registry(tmp_path / "registry")), "--district", "19.01",
                 "--registrations", str(write_registrations(tmp_path / "regs")), "--out", str(out))
    with (out / "findings.csv").open(encoding="utf-8") as f:
        assert {(r["record_id"], r["kind"]) for r in csv.DictReader(f)} == set(EXPECTED)
    assert asked == ["spark"]


@pytest.mark.django_db
def test_the_database_mode_runs_on_spark_with_the_same_changes(spark, planted, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(sync_services, "get_engine", lambda name: asked.append(name) or SparkEngine(spark))
    call_command("verivali", "sync", "--engine", "spark", "--extract", str(write_extract(tmp_path / "extract")),
                 "--district", "19.01")
    sync = CivilSync.objects.get()
    assert asked == ["spark"] and sync.job.config["engine"] == "spark"
    assert {(c.member.record_id, c.kind) for c in sync.changes.select_related("member")} == set(EXPECTED)


def test_an_unknown_engine_is_refused(tmp_path):
    with pytest.raises(CommandError, match="engine"):
        call_command("verivali", "sync", "--engine", "postgres", "--extract", str(tmp_path))


def test_a_table_of_no_rows_runs_on_spark(spark, tmp_path):
    inputs = small_inputs(tmp_path, registrations=False)
    inputs.extract = inputs.extract.slice(0, 0)
    assert isinstance(inputs.extract, pa.Table)
    results = run_both(spark, inputs, "1901")
    assert results["spark"] == results["duckdb"]
    assert results["spark"][1] == []
