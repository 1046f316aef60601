"""Importing datasets: upsert, history, modes, crash safety, idempotence (SQLite and PostgreSQL)."""

import csv

import pytest
from conftest import VILLAGE_IN
from django.core.management import CommandError, call_command
from exchange_data import dataset, households, members, zipped

from mutakhir.registry.exchange import writer
from mutakhir.registry.exchange.importer import import_dataset
from mutakhir.registry.models import Household, ImportBatch, Member, UpdatePeriod

Status = ImportBatch.Status


def history_count():
    return Household.history.count(), Member.history.count()


def test_it_imports_a_dataset_with_history(regions, tmp_path):
    result = import_dataset(dataset(tmp_path / "d"))
    batch = result.batch
    assert batch.status == Status.DONE and result.log.errors == 0
    assert (batch.households_created, batch.members_created) == (3, 6)
    hh = Household.objects.get(household_id="H1")
    assert hh.region_id == VILLAGE_IN and str(hh.floor_area_m2) == "36.50" and hh.cooking_fuel == 4
    assert hh.has_gas_cylinder is True and hh.has_car is False and hh.livestock == 2 and hh.rt == "001"
    member = Member.objects.get(record_id="H1-1")
    assert member.household == hh and member.birth_date.isoformat() == "1980-01-25" and member.name_key == "WARGA H1 1"
    assert history_count() == (3, 6)
    record = hh.history.get()
    assert record.history_type == "+" and record.history_change_reason == f"import {batch.dataset_sha256[:12]}"


def test_it_keeps_valid_rows_and_reports_the_rest(regions, tmp_path):
    hh = households(3)
    hh[1]["floor_material"] = "77"
    mm = members()
    mm[0]["nik"] = "123"
    report = tmp_path / "errors.csv"
    result = import_dataset(dataset(tmp_path / "d", hh, mm), errors_path=report)
    batch = result.batch
    assert batch.status == Status.PARTIAL
    assert set(Household.objects.values_list("household_id", flat=True)) == {"H1", "H3"}
    assert set(Member.objects.values_list("record_id", flat=True)) == {"H1-2", "H3-1", "H3-2"}
    assert (batch.households_rejected, batch.members_rejected) == (1, 3)
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert {(r["file"], r["row"], r["column"], r["code"]) for r in rows} == {
        ("households.csv", "3", "floor_material", "bad_code"), ("members.csv", "2", "nik", "not_16_digits"),
        ("members.csv", "4", "household_id", "household_rejected"),
        ("members.csv", "5", "household_id", "household_rejected")}


def test_all_or_nothing_commits_nothing_on_any_error(regions, tmp_path):
    mm = members()
    mm[-1]["sex"] = "9"
    result = import_dataset(dataset(tmp_path / "d", mm=mm), mode="all-or-nothing", batch_size=2)
    assert result.batch.status == Status.FAILED and result.log.errors == 1
    assert not Household.objects.exists() and not Member.objects.exists() and history_count() == (0, 0)
    assert result.batch.households_created == 0


def test_a_file_level_error_imports_nothing_even_in_valid_rows_mode(regions, tmp_path):
    folder = dataset(tmp_path / "d")
    (folder / "members.csv").write_bytes((folder / "members.csv").read_bytes().replace(b"Warga", b"W\xe4rga"))
    result = import_dataset(folder)
    assert result.batch.status == Status.FAILED and not Household.objects.exists()


def test_reimporting_the_same_dataset_is_skipped_or_changes_nothing(regions, tmp_path):
    folder = dataset(tmp_path / "d")
    import_dataset(folder)
    again = import_dataset(folder)
    assert again.skipped
    forced = import_dataset(folder, force=True).batch
    assert (forced.households_created, forced.households_unchanged, forced.members_unchanged) == (0, 3, 6)
    assert Household.objects.count() == 3 and Member.objects.count() == 6 and history_count() == (3, 6)


def test_a_changed_dataset_updates_rows_with_a_history_entry(regions, tmp_path):
    import_dataset(dataset(tmp_path / "a"))
    hh = households(4)
    hh[0]["address"] = "Dusun Baru"
    hh[0]["has_car"] = "1"
    mm = members(("H1", "H2", "H3", "H4"))
    mm[1]["name"] = "Siti Rahayu"
    mm[2]["household_id"] = "H1"  # H2-1 moves to H1
    batch = import_dataset(dataset(tmp_path / "b", hh, mm)).batch
    assert (batch.households_created, batch.households_updated, batch.households_unchanged) == (1, 1, 2)
    assert (batch.members_created, batch.members_updated, batch.members_unchanged) == (2, 2, 4)
    h1 = Household.objects.get(household_id="H1")
    assert h1.address == "Dusun Baru" and h1.has_car is True and h1.version == 2
    latest = h1.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == batch.change_reason
    assert latest.prev_record.address == "Dusun 1"
    moved = Member.objects.get(record_id="H2-1")
    assert moved.household == h1 and moved.history.count() == 2
    renamed = Member.objects.get(record_id="H1-2")
    assert renamed.name_key == "SITI RAHAYU"
    assert history_count() == (3 + 1 + 1, 6 + 2 + 2)


def test_a_crash_mid_import_leaves_no_half_written_batch(regions, tmp_path, monkeypatch):
    folder = dataset(tmp_path / "d")
    real, calls = writer.insert_history, []

    def crash_on_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(*args)

    monkeypatch.setattr(writer, "insert_history", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        import_dataset(folder, batch_size=2)
    # the first batch is complete (rows and history), the second one is not there at all
    assert list(Household.objects.values_list("household_id", flat=True)) == ["H1", "H2"]
    assert history_count() == (2, 0) and not Member.objects.exists()
    assert ImportBatch.objects.get().status == Status.INTERRUPTED
    monkeypatch.setattr(writer, "insert_history", real)
    batch = import_dataset(folder, batch_size=2).batch
    assert batch.status == Status.DONE and (batch.households_created, batch.households_unchanged) == (1, 2)
    assert Household.objects.count() == 3 and Member.objects.count() == 6 and history_count() == (3, 6)


def test_a_crash_in_all_or_nothing_mode_leaves_nothing(regions, tmp_path, monkeypatch):
    def crash(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "copy_rows", crash)
    with pytest.raises(RuntimeError):
        import_dataset(dataset(tmp_path / "d"), mode="all-or-nothing")
    assert not Household.objects.exists() and history_count() == (0, 0)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_it_imports_parquet_and_zip(regions, tmp_path, fmt):
    batch = import_dataset(zipped(dataset(tmp_path / "d", fmt=fmt), inside="d")).batch
    assert batch.status == Status.DONE and (batch.households_created, batch.members_created) == (3, 6)
    assert Household.objects.get(household_id="H2").floor_area_m2 is not None


def test_it_tags_households_with_the_update_period(regions, tmp_path):
    period = UpdatePeriod.objects.create(region_id="1901", name="MPM 2025 Q1", starts_on="2025-01-01")
    batch = import_dataset(dataset(tmp_path / "d"), period=period).batch
    assert batch.update_period == period
    assert set(Household.objects.values_list("update_period", flat=True)) == {period.pk}


def test_the_command_reports_and_exits_by_outcome(regions, tmp_path, capsys):
    hh = households(3)
    hh[2]["region_code"] = "1901019999"
    folder = dataset(tmp_path / "d", hh)
    with pytest.raises(CommandError) as exc:
        call_command("registry", "import", str(folder))
    assert exc.value.returncode == 2
    report = tmp_path / "d-errors.csv"
    assert "unknown_village" in report.read_text(encoding="utf-8")
    call_command("registry", "import", str(dataset(tmp_path / "ok")))
    assert Household.objects.count() == 3
