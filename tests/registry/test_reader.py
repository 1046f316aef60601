"""Parsing and validation of exchange-format datasets: every bad input names its file, row and column."""

import pytest
from conftest import VILLAGE_IN, VILLAGE_OTHER_SUB
from exchange_data import HOUSEHOLD, MEMBER, dataset, households, members, write_csv, zipped

from mutakhir.registry.exchange.dataset import open_dataset, precheck
from mutakhir.registry.exchange.errors import DatasetError, IssueLog
from mutakhir.registry.exchange.reader import HouseholdIndex, read_households, read_members

VILLAGES = frozenset({VILLAGE_IN, VILLAGE_OTHER_SUB})


def read(path, district=""):
    log = IssueLog()
    with open_dataset(path) as ds:
        if not precheck(ds, log):
            return log, [], []
        index = HouseholdIndex()
        hh = list(read_households(ds.sources["households"], log, VILLAGES, index, district))
        mm = list(read_members(ds.sources["members"], log, index)) if "members" in ds.sources else []
    return log, hh, mm


def issues(log):
    return {(i.file, i.row, i.column, i.code) for i in log.first}


def test_it_reads_a_valid_dataset_with_types(tmp_path):
    log, hh, mm = read(dataset(tmp_path / "d"))
    assert log.errors == 0 and log.warnings == 0
    assert [r for _, r in hh][0]["household_id"] == "H1"
    row, first = hh[0]
    assert row == 2
    assert str(first["floor_area_m2"]) == "36.50" and first["cooking_fuel"] == 4 and first["has_gas_cylinder"] is True
    assert first["livestock"] == 2
    assert len(mm) == 6 and mm[0][1]["birth_date"].isoformat() == "1980-01-25" and mm[0][1]["sex"] == 1


@pytest.mark.parametrize(("column", "value", "code"), [
    ("floor_area_m2", "36,5", "not_number"),
    ("floor_area_m2", "-1", "out_of_range"),
    ("has_car", "yes", "bad_flag"),
    ("has_car", "2", "bad_flag"),
    ("floor_material", "12", "bad_code"),
    ("floor_material", "x", "not_integer"),
    ("livestock", "1.5", "not_integer"),
    ("region_code", "19.01", "not_village_code"),
    ("region_code", "1901019999", "unknown_village"),
    ("household_id", "", "required"),
    ("rt", "123456", "too_long"),
])
def test_it_rejects_a_bad_household_cell_naming_row_and_column(tmp_path, column, value, code):
    rows = households(3)
    rows[1] = rows[1] | {column: value}
    log, hh, mm = read(dataset(tmp_path / "d", rows))
    assert ("households.csv", 3, column, code) in issues(log)
    assert [r["household_id"] for _, r in hh] == ["H1", "H3"]
    # its members are rejected too, as members of a rejected household
    if value:
        assert ("members.csv", 4, "household_id", "household_rejected") in issues(log)
    assert len(mm) == 4


@pytest.mark.parametrize(("column", "value", "code"), [
    ("nik", "19010125018A0001", "non_digit"),
    ("nik", "190101250180001", "not_16_digits"),
    ("kk", "12345", "kk_not_16_digits"),
    ("sex", "3", "bad_code"),
    ("birth_date", "25-01-1980", "bad_date"),
    ("birth_date", "1980-02-30", "bad_date"),
    ("relation", "9", "bad_code"),
    ("name", "", "required"),
])
def test_it_rejects_a_bad_member_cell_naming_row_and_column(tmp_path, column, value, code):
    rows = members()
    rows[2] = rows[2] | {column: value}
    log, hh, mm = read(dataset(tmp_path / "d", mm=rows))
    assert ("members.csv", 4, column, code) in issues(log)
    assert len(mm) == 5 and len(hh) == 3


def test_it_warns_about_a_nik_that_has_the_shape_but_not_the_content(tmp_path):
    rows = members()
    rows[0] = rows[0] | {"nik": "9901013201800001"}  # no province 99, day 32
    log, hh, mm = read(dataset(tmp_path / "d", mm=rows))
    assert log.errors == 0 and len(mm) == 6
    codes = {i.code for i in log.first}
    assert {"nik_unknown_province", "nik_invalid_birth_date"} <= codes


def test_it_reports_duplicate_ids_and_missing_households(tmp_path):
    hh_rows = households(3) + [HOUSEHOLD | {"household_id": "H2"}]
    mm_rows = members() + [MEMBER | {"record_id": "H1-1"}, MEMBER | {"record_id": "X1", "household_id": "H9"}]
    log, hh, mm = read(dataset(tmp_path / "d", hh_rows, mm_rows))
    found = issues(log)
    assert ("households.csv", 5, "household_id", "duplicate_id") in found
    assert "3" in next(i.message for i in log.first if i.code == "duplicate_id")
    assert ("members.csv", 8, "record_id", "duplicate_id") in found
    assert ("members.csv", 9, "household_id", "household_missing") in found
    assert len(hh) == 3 and len(mm) == 6


def test_it_rejects_the_file_when_a_required_column_is_missing(tmp_path):
    folder = dataset(tmp_path / "d")
    write_csv(folder / "members.csv", members(), header=[c for c in MEMBER if c != "name"])
    log, hh, mm = read(folder)
    assert ("members.csv", 1, "name", "missing_column") in issues(log) and log.fatal


def test_it_warns_about_unknown_columns_and_keeps_the_rows(tmp_path):
    log, hh, mm = read(dataset(tmp_path / "d", [r | {"hobby": "x"} for r in households()]))
    assert ("households.csv", 1, "hobby", "unknown_column") in issues(log)
    assert log.errors == 0 and len(hh) == 3


def test_it_rejects_a_file_that_is_not_utf8(tmp_path):
    folder = dataset(tmp_path / "d")
    text = (folder / "members.csv").read_text(encoding="utf-8").replace("Warga H2 1", "Warga Müller")
    (folder / "members.csv").write_bytes(text.encode("latin-1"))
    log, hh, mm = read(folder)
    issue = next(i for i in log.first if i.code == "not_utf8")
    assert issue.file == "members.csv" and " 4" in issue.message and log.fatal


def test_it_accepts_an_excel_byte_order_mark(tmp_path):
    folder = dataset(tmp_path / "d")
    (folder / "households.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "households.csv").read_bytes())
    log, hh, mm = read(folder)
    assert log.errors == 0 and len(hh) == 3


def test_it_reports_malformed_csv(tmp_path):
    folder = dataset(tmp_path / "d")
    lines = (folder / "members.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",extra"
    lines[4] = lines[4].replace("Warga H2 2", '"Warga H2 2')  # an unclosed quote runs to the end
    (folder / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    log, hh, mm = read(folder)
    assert ("members.csv", 5, "", "malformed_csv") in issues(log) and log.fatal


def test_it_rejects_a_row_with_the_wrong_number_of_fields(tmp_path):
    folder = dataset(tmp_path / "d")
    lines = (folder / "members.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",extra"
    (folder / "members.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    log, hh, mm = read(folder)
    assert ("members.csv", 3, "", "field_count") in issues(log) and len(mm) == 5


def test_it_checks_the_manifest_checksums(tmp_path):
    folder = dataset(tmp_path / "d", manifest=True)
    log, hh, mm = read(folder)
    assert log.errors == 0
    with (folder / "members.csv").open("a", encoding="utf-8") as fh:
        fh.write("")
        fh.write(",".join(MEMBER.values()).replace("M1", "M9") + "\n")
    log, hh, mm = read(folder)
    assert ("members.csv", 0, "", "checksum") in issues(log) and log.fatal


def test_it_reads_parquet_and_zip_alike(tmp_path):
    log_csv, hh_csv, mm_csv = read(zipped(dataset(tmp_path / "c"), inside="c"))
    log_pq, hh_pq, mm_pq = read(dataset(tmp_path / "p", fmt="parquet"))
    assert log_csv.errors == log_pq.errors == 0
    assert hh_csv == hh_pq and mm_csv == mm_pq


def test_it_reports_parquet_cells_by_row_and_column(tmp_path):
    rows = members()
    rows[3] = rows[3] | {"sex": "7"}
    log, hh, mm = read(dataset(tmp_path / "p", mm=rows, fmt="parquet"))
    assert ("members.parquet", 5, "sex", "bad_code") in issues(log)


def test_it_keeps_villages_inside_the_period_district(tmp_path):
    log, hh, mm = read(dataset(tmp_path / "d"), district="190101")
    assert ("households.csv", 3, "region_code", "outside_period") in issues(log)


def test_it_refuses_what_is_not_a_dataset(tmp_path):
    with pytest.raises(DatasetError):
        read(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError):
        read(tmp_path / "empty")
