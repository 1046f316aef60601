"""Drawing lists from files: reasons, quotas, ties, grace band, diff, person unit, exports, both engines."""

import csv
import json
from datetime import date

import openpyxl
import pytest

from mutakhir.targeting.exports import write_xlsx
from mutakhir.targeting.lists import ListError, run_list
from mutakhir.targeting.quotas import QuotaError, check_quotas, distribute
from mutakhir.targeting.rules import parse
from mutakhir.targeting.sql import ListSpec

from .data import PKH, write

AS_OF = date(2026, 11, 1)


def rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def files(tmp_path):
    return write(tmp_path / "in")


def draw(files, out, rule=PKH, **options):
    previous = options.pop("previous", None)
    national = options.pop("national_total", None)
    spec = ListSpec(parse(rule), as_of=AS_OF, **options)
    return run_list(spec, *files, out, previous=previous, national_total=national, formats=("csv", "xlsx", "pdf"))


def test_it_lists_households_with_the_clause_that_qualified(files, tmp_path):
    summary = draw(files, tmp_path / "out")
    listed = {r["household_id"]: r for r in rows(tmp_path / "out" / "list.csv")}
    assert set(listed) == {"H1", "H2", "H4", "H6", "H7"}
    assert listed["H1"]["reason"] == "desil <= 4; any(member.pregnant = 1)"
    assert listed["H4"]["reason"] == "desil <= 4; any(member.age >= 70)"
    near = {r["household_id"]: r["reason"] for r in rows(tmp_path / "out" / "near.csv")}
    assert near == {"H5": "not: desil <= 4"}
    assert summary["households"] == 5 and summary["people"] == 6
    assert (tmp_path / "out" / "summary.pdf").read_bytes().startswith(b"%PDF")


def test_it_applies_quotas_by_score_then_household_id(files, tmp_path):
    summary = draw(files, tmp_path / "out", quotas={"1901": 1, "1902": 5})
    listed = [r["household_id"] for r in rows(tmp_path / "out" / "list.csv")]
    assert sorted(listed) == ["H1", "H6", "H7"]
    near = {r["household_id"]: r["reason"] for r in rows(tmp_path / "out" / "near.csv")}
    assert near["H2"] == "beyond the quota of 1901 (rank 2 of 1)"
    assert summary["warnings"] == ["Quota of 1902 (5) is larger than its eligible population (2)"]


def test_it_breaks_score_ties_by_household_id(tmp_path):
    tied = [("B", "1901011001", 1.0, 1, [("1940-01-01", 0, 0, 0)]), ("A", "1901011001", 1.0, 1,
                                                                         [("1940-01-01", 0, 0, 0)])]
    files = write(tmp_path / "in", tied)
    draw(files, tmp_path / "out", quotas={"19": 1})
    assert [r["household_id"] for r in rows(tmp_path / "out" / "list.csv")] == ["A"]


def test_it_keeps_previous_households_in_the_grace_band_and_diffs(files, tmp_path):
    draw(files, tmp_path / "first")
    summary = draw(files, tmp_path / "second", quotas={"1901": 1, "1902": 5}, grace=15,
                   previous=tmp_path / "first" / "list.csv")
    listed = {r["household_id"]: r for r in rows(tmp_path / "second" / "list.csv")}
    assert listed["H2"]["status"] == "grace" and "grace band" in listed["H2"]["reason"]
    diff = {r["household_id"]: r for r in rows(tmp_path / "second" / "diff.csv")}
    assert diff["H4"]["change"] == "exited" and "beyond the quota" in diff["H4"]["reason"]
    assert diff["H1"]["change"] == "stayed"
    assert summary["grace"] == 1 and summary["exited"] == 1


def test_it_reports_previous_households_missing_from_the_run(files, tmp_path):
    prev = tmp_path / "prev.csv"
    prev.write_text("household_id\nH1\nGONE\n")
    summary = draw(files, tmp_path / "out", previous=prev)
    diff = {r["household_id"]: r for r in rows(tmp_path / "out" / "diff.csv")}
    assert diff["GONE"]["reason"] == "not in this ranking run"
    assert diff["H2"]["change"] == "entered" and summary["exited"] == 1


def test_it_lists_people_and_counts_person_quotas(files, tmp_path):
    draw(files, tmp_path / "out", rule="desil <= 5", unit="person", quotas={"1901": 3, "1902": 9})
    people = rows(tmp_path / "out" / "list.csv")
    # 1901 by score: H1 (1 person), H2 (2), H3 (1): H1 + H2 fill the 3 places.
    assert {p["record_id"] for p in people if p["region_code"].startswith("1901")} == {"H1-0", "H2-0", "H2-1"}


def test_it_shares_a_national_total_by_people_in_the_target_desil(files, tmp_path):
    summary = draw(files, tmp_path / "out", rule="desil <= 4", national_total=3)
    assert summary["quotas"] == {"1901": 2, "1902": 1}


def test_it_refuses_missing_columns(files, tmp_path):
    with pytest.raises(ListError, match="livestock"):
        draw(files, tmp_path / "out", rule="livestock > 2")


def test_quota_tables():
    assert distribute(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert sum(distribute(7, {"1901": 5, "1902": 2, "1903": 0}).values()) == 7
    with pytest.raises(QuotaError, match="overlap"):
        check_quotas({"19.01": 5, "1901011001": 2})
    assert check_quotas({"19.01": 5}) == {"1901": 5}


def test_it_writes_formula_safe_xlsx(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text('a,b\n=HYPERLINK("x"),-1.5\n@SUM(A1),+1\n')
    write_xlsx(src, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert ws["B2"].value == -1.5
    assert ws["A3"].value == "@SUM(A1)" and ws["B3"].value == "+1" and ws["B3"].data_type == "s"


@pytest.mark.spark
def test_it_draws_the_same_list_on_spark(files, tmp_path, spark_session):
    from mutakhir.engines.spark import SparkEngine

    duck = draw(files, tmp_path / "duck", quotas={"1901": 2, "1902": 1})
    spec = ListSpec(parse(PKH), as_of=AS_OF, quotas={"1901": 2, "1902": 1})
    spark = run_list(spec, *files, tmp_path / "spark", engine=SparkEngine(spark_session))
    assert [(r["household_id"], r["reason"]) for r in sorted(rows(tmp_path / "spark" / "list.csv"),
                                                             key=lambda r: r["household_id"])] == \
        [(r["household_id"], r["reason"]) for r in sorted(rows(tmp_path / "duck" / "list.csv"),
                                                          key=lambda r: r["household_id"])]
    assert spark["regions"] == duck["regions"]
    assert json.loads((tmp_path / "spark" / "summary.json").read_text())["engine"] == "spark"

