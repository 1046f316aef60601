"""Unknown never selects: a rule whose value is unknown for a household (a blank desil or floor area) leaves it
out, in the compiled SQL of each dialect and in a whole list run on each engine, grace band included.

The rule compiler keeps SQL's NULL logic and turns the final unknown into FALSE (`COALESCE(rule, FALSE)`);
these tests fail if it became TRUE, or if an engine read a blank value as something known.
"""

# ruff: noqa: S608 -- test SQL over literals the test itself writes.

import csv
from datetime import date

import duckdb
import pytest

from mutakhir.engines.base import DUCKDB, SPARK
from mutakhir.targeting.lists import run_list
from mutakhir.targeting.rules import parse
from mutakhir.targeting.rules.compile import compile_rule
from mutakhir.targeting.rules.evaluate import explain, value
from mutakhir.targeting.sql import ListSpec

# rule, household (None = unknown), selected: unknown alone never selects, SQL's three-valued logic otherwise.
CASES = [
    ("desil <= 4", {"desil": None, "floor_area_m2": 30.0}, False),
    ("not desil <= 4", {"desil": None, "floor_area_m2": 30.0}, False),
    ("not desil > 4", {"desil": None, "floor_area_m2": 30.0}, False),
    ("desil in (1, 2, 3)", {"desil": None, "floor_area_m2": 30.0}, False),
    ("desil not in (1, 2, 3)", {"desil": None, "floor_area_m2": 30.0}, False),
    ("desil between 1 and 4", {"desil": None, "floor_area_m2": 30.0}, False),
    ("desil not between 5 and 10", {"desil": None, "floor_area_m2": 30.0}, False),
    ("desil != 5", {"desil": None, "floor_area_m2": 30.0}, False),
    ("floor_area_m2 < 40 and desil <= 4", {"desil": 2.0, "floor_area_m2": None}, False),
    ("floor_area_m2 < 40 or desil <= 4", {"desil": 5.0, "floor_area_m2": None}, False),
    ("floor_area_m2 < 40 or desil <= 4", {"desil": 2.0, "floor_area_m2": None}, True),  # unknown OR true
    ("not (floor_area_m2 < 40 and desil <= 4)", {"desil": 5.0, "floor_area_m2": None}, True),  # NOT(unknown AND false)
    ("desil <= 4", {"desil": 2.0, "floor_area_m2": None}, True),
]


def _household_sql(c, sql: str, household: dict, dialect) -> str:
    cols = ", ".join(f"CAST({'NULL' if v is None else dialect.number(v)} AS DOUBLE) AS {dialect.ident(n)}"
                     for n, v in household.items())
    return c.inline(f"SELECT {sql} AS eligible FROM (SELECT {cols}) t")


@pytest.mark.parametrize(("rule", "household", "selected"), CASES)
def test_duckdb_sql_selects_only_a_known_true_rule(rule, household, selected):
    c, sql = compile_rule(parse(rule), DUCKDB)
    got = duckdb.connect().execute(_household_sql(c, sql, household, DUCKDB)).fetchone()[0]
    assert got is selected  # FALSE, not NULL: the list's later steps test `eligible` as a boolean
    assert explain(parse(rule), household, []).selected is selected
    assert (value(parse(rule), household, None, []) is True) is selected


@pytest.mark.spark
def test_spark_sql_selects_only_a_known_true_rule(spark_session):
    for rule, household, selected in CASES:
        c, sql = compile_rule(parse(rule), SPARK)
        got = spark_session.sql(_household_sql(c, sql, household, SPARK)).collect()[0][0]
        assert got is selected, rule


# -- whole list runs ------------------------------------------------------------------------------------------

# household_id, desil ("" = blank), floor area ("" = blank); all in Sungailiat (1901).
HOUSEHOLDS = [("K1", "1", "30"), ("K2", "2", ""), ("K3", "", "30"), ("K4", "3", "30"), ("K5", "6", "30"),
              ("K6", "6", "")]
RULE = "desil <= 4 and floor_area_m2 < 40"


def _write(folder, rows=HOUSEHOLDS):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "scores.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["household_id", "score", "percentile", "desil", "region_percentile", "region"])
        for i, (hid, desil, _area) in enumerate(rows, start=1):
            w.writerow([hid, float(i), i * 10 - 5, desil, i * 10 - 5, "1901"])
    with open(folder / "households.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["household_id", "region_code", "floor_area_m2"])
        for hid, _desil, area in rows:
            w.writerow([hid, "1901011001", area])
    with open(folder / "members.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "household_id", "birth_date"])
        for hid, _desil, _area in rows:
            w.writerow([f"{hid}-0", hid, "1980-01-01"])
    return folder / "scores.csv", folder / "households.csv", folder / "members.csv"


def _listed(path) -> dict[str, str]:
    with open(path, newline="") as fh:
        return {r["household_id"]: r["status"] for r in csv.DictReader(fh)}


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request):
    if request.param == "duckdb":
        return "duckdb"
    from mutakhir.engines.spark import SparkEngine

    return SparkEngine(request.getfixturevalue("spark_session"))


def test_a_list_and_its_grace_band_leave_out_households_whose_rule_is_unknown(engine, tmp_path):
    """K2 and K3 are unknown; K5 and K6 were listed and left desil 4, and only K5, whose floor area is known to
    pass, stays in the grace band."""
    files = _write(tmp_path / "in")
    previous = tmp_path / "previous.csv"
    previous.write_text("household_id\nK1\nK5\nK6\n")
    summary = run_list(ListSpec(parse(RULE), as_of=date(2026, 11, 1), grace=30), *files, tmp_path / "out",
                       engine=engine, previous=previous)
    assert _listed(tmp_path / "out" / "list.csv") == {"K1": "selected", "K4": "selected", "K5": "grace"}
    assert (summary["regions"][0]["eligible_households"], summary["grace"]) == (2, 1)
