"""NIK compared by parts: a serial difference is another person; a KK typed as NIK is recognised."""

# ruff: noqa: S608 -- SQL is built from our own table names and constants, never from input values.

import duckdb
import pyarrow as pa
import pytest

from mutakhir.identification.linkage.features import prepare
from mutakhir.identification.linkage.nik_compare import PARTS, nik_comparison

A = "1901015203850001"  # a woman born 12-03-1985 in 190101, serial 0001


def level(nik_l: str | None, nik_r: str | None) -> str:
    """Return the label of the NIK comparison level the pair falls in (the real SQL, on DuckDB)."""
    comparison = nik_comparison().get_comparison("duckdb")
    cols = {}
    for side, value in (("l", nik_l), ("r", nik_r)):
        cols[f"nik_{side}"] = value
        for name, (start, length) in PARTS.items():
            cols[f"{name}_{side}"] = value[start - 1: start - 1 + length] if value else None
    pair = pa.table({k: pa.array([v], pa.string()) for k, v in cols.items()})  # noqa: F841 (DuckDB reads it)
    for lv in comparison.comparison_levels:  # the first level whose condition holds, as in Splink's CASE
        if lv.sql_condition == "ELSE" or duckdb.sql(f"SELECT {lv.sql_condition} FROM pair").fetchall()[0][0]:
            return lv.label_for_charts
    raise AssertionError("no level")


def test_it_sees_the_same_nik():
    assert level(A, A).startswith("Exact match")


def test_it_calls_a_serial_difference_another_person():
    assert "another person" in level(A, A[:-1] + "2")
    assert "another person" in level(A, A[:-4] + "0010")


def test_it_weights_another_person_strongly_against():
    comparison = nik_comparison().get_comparison("duckdb")
    other = next(lv for lv in comparison.comparison_levels if "another person" in lv.label_for_charts)
    assert other._bayes_factor <= 0.01


@pytest.mark.parametrize(("other", "label"), [
    ("2901015203850001", "one typo outside the serial"),
    ("1901015204860001", "same region and serial, birth part differs"),
    ("1902035203850001", "same birth part and serial, region differs"),
])
def test_it_keeps_typos_outside_the_serial_close(other, label):
    assert level(A, other) == label


def test_it_treats_a_missing_nik_as_unknown():
    assert "null" in level(A, None).lower()


def test_it_recognises_a_kk_typed_as_nik():
    kk, other_kk = "1901011203100007", "1901010501160001"
    members = pa.table({
        "record_id": ["r1", "r2", "r3", "r4", "r5"], "household_id": ["h1", "h1", "h2", "h2", "h3"],
        "name": ["Budi", "Siti", "Agus", "Wati", "Joko"],
        # r1 wrote the KK; r3 and r4 both wrote one number (a NIK is personal); r5's real NIK equals the KK
        # number of another household (a man born on its issue date), which is no reason to doubt it.
        "nik": [kk, "1901015203850001", "1901010101700001", "1901010101700001", other_kk],
        "kk": [kk, kk, None, None, "1901019999990001"]})
    households = pa.table({"household_id": ["h1", "h2", "h3"], "region_code": ["1901011001"] * 3})
    other = pa.table({"record_id": ["b1"], "household_id": ["x"], "name": ["Ani"], "kk": [other_kk]})
    con = duckdb.connect()
    stats = prepare(con, {"reg": (members, households), "bdt": (other, pa.table({"household_id": ["x"],
                                                                                    "region_code": ["1901011001"]}))})
    assert stats["reg"].kk_as_nik == 3
    niks = dict(con.execute("SELECT record_id, nik FROM features_reg").fetchall())
    assert niks == {"r1": None, "r2": "1901015203850001", "r3": None, "r4": None, "r5": other_kk}
