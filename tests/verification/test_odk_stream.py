"""The streamed ODK/Kobo import (issue 23): exports read a piece at a time, whole-file checks across chunks, and
each bad row reported on its row, never the whole file stopped."""

import csv
import importlib.util
import json
import tracemalloc
from pathlib import Path

import pytest
from conftest import VILLAGE_IN
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutakhir.accounts.models import Role
from mutakhir.verification import odk_import, submissions
from mutakhir.verification.models import Verification
from mutakhir.verification.odk_import import import_submissions
from mutakhir.verification.questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS
from mutakhir.verification.submissions import Export, ExportError

from .fixtures import make_entry
from .test_odk import V, submission

BENCH = Path(__file__).resolve().parents[2] / "bench"
ROWS = [{"meta": {"instanceID": f"uuid:{i}"}, "hh": {"address": "Jl. \u00e9 [1], {2}" * i}, "members": [{"n": i}]}
        for i in range(1, 6)]
FLAT = [{"instanceID": f"uuid:{i}", "address": "Jl. \u00e9 [1], {2}" * i, "members": [{"n": i}]} for i in range(1, 6)]


def read(path) -> list:
    with Export(path) as export:
        return list(export.rows())


@pytest.mark.parametrize("shape", [
    lambda rows: rows,
    lambda rows: {"@odata.context": "$metadata#Submissions", "value": rows, "@odata.count": len(rows)},
    lambda rows: {"count": len(rows), "next": None, "previous": None, "value": [], "results": rows},
])
def test_it_streams_each_json_shape_across_read_blocks(shape, monkeypatch, tmp_path):
    monkeypatch.setattr(submissions, "READ", 7)  # every value spans blocks
    path = tmp_path / "export.json"
    path.write_text(json.dumps(shape(ROWS), indent=1))
    assert read(path) == FLAT
    assert read(path) == FLAT  # a second pass reads it again


@pytest.mark.parametrize(("text", "reason"), [
    ('[{"a": 1},', "Expecting value"),
    ('[{"a": 1}] [', "extra data"),
    ('{"value": [{"a": 1}] "results": []}', "expected ',' '}'"),
    ("42", "expected a list of submissions"),
    ('{"value": [{"a": "' + "x" * 300 + '"}]}', "larger than"),
])
def test_a_broken_json_export_is_refused_with_its_reason(text, reason, monkeypatch, tmp_path):
    monkeypatch.setattr(submissions, "READ", 64)
    monkeypatch.setattr(submissions, "MAX_ELEMENT", 256)
    path = tmp_path / "export.json"
    path.write_text(text)
    with pytest.raises(ExportError, match=reason):
        read(path)


def test_a_json_export_nested_too_deep_is_refused(tmp_path):
    path = tmp_path / "export.json"
    path.write_text("[" * 100_000)
    with pytest.raises(ExportError, match="recursion"):
        read(path)


def test_a_csv_repeat_in_any_order_joins_its_parents_chunk_by_chunk(monkeypatch, tmp_path):
    monkeypatch.setattr(submissions, "CHUNK", 2)
    with (tmp_path / "f.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([["KEY", "grp-household"], *([f"k{i}", f"H{i}"] for i in range(5)), ["", "H9"]])
    with (tmp_path / "f-members.csv").open("w", newline="") as fh:
        members = [[f"m{i}-{k}", f"k{i}"] for k in (1, 2) for i in reversed(range(5)) if i != 3]
        csv.writer(fh).writerows([["members-name", "PARENT_KEY"], *members, ["orphan", ""]])
    rows = read(tmp_path / "f.csv")
    assert [(r["household"], [m["name"] for m in r["members"]]) for r in rows] == [
        ("H0", ["m0-1", "m0-2"]), ("H1", ["m1-1", "m1-2"]), ("H2", ["m2-1", "m2-2"]), ("H3", []),
        ("H4", ["m4-1", "m4-2"]), ("H9", [])]


def run(tmp_path, rows):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(rows))
    return import_submissions(path, V)


def codes(result) -> dict[int, set[str]]:
    out = {}
    for r in result.report:
        out.setdefault(r["row"], set()).add(r["code"])
    return out


def test_each_bad_row_is_reported_on_its_row_and_the_others_applied(entry, psm, make_household, tmp_path):
    entries = [entry, *(make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(9))]
    rows = [submission(e, psm.username, f"uuid:t{i}") for i, e in enumerate(entries)]
    for i, row in enumerate(rows[1:], start=1):
        row["members"][0]["nik"] = f"19010101059{i:05d}"
    rows[1]["members"] = "abc"
    rows[2]["members"] = [1, 2]
    rows[3]["hh"]["livestock"] = "1e999"  # a count out of any range
    rows[4]["hh"]["floor_area_m2"] = float("nan")
    rows[5]["prelist_id"] = "\u00b2"  # a digit to str.isdigit, not to int()
    rows[6]["meta"]["instanceID"] = "uuid:" + "x" * 100
    rows[7]["members"][0]["name"] = ["Budi", {"x": 1}]  # a list where one answer is expected
    rows[7]["household"] = {"id": {"deeper": entries[7].household.household_id}}
    rows[8]["moved_to"] = ["somewhere"] * 100
    rows.append(42)
    result = run(tmp_path, rows)
    assert codes(result) == {2: {"bad_members", "one_head"}, 3: {"bad_members", "one_head"}, 4: {"not_a_number"},
                             5: {"not_a_number", "required"}, 6: {"unknown_household"}, 7: {"too_long"},
                             8: {"unknown_household", "not_a_value", "required"}, 9: {"too_long"},
                             11: {"not_a_record"}}, result.report
    assert (result.applied, result.flagged) == (2, 9)
    assert set(Verification.objects.values_list("instance_id", flat=True)) == {"uuid:t0", "uuid:t9"}


def test_the_whole_file_checks_hold_across_chunks(entry, psm, make_user, make_household, monkeypatch, tmp_path):
    """A repeated instance ID, two verifiers on one household and one NIK in two households, each pair in two
    chunks: the later row is flagged and, known from the first pass, neither is applied."""
    monkeypatch.setattr(odk_import, "CHUNK", 2)
    other_psm = make_user(Role.PSM, VILLAGE_IN, username="psm-b")
    e = [entry, *(make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(6))]
    rows = [submission(e[0], psm.username, "uuid:same"), submission(e[1], psm.username, "uuid:d1"),
            submission(e[2], psm.username, "uuid:same"), submission(e[3], psm.username, "uuid:d2"),
            submission(e[1], other_psm.username, "uuid:d3"), submission(e[4], psm.username, "uuid:ok"),
            submission(e[5], psm.username, "uuid:ok2")]
    for i, row in enumerate(rows[1:], start=1):
        row["members"][0]["nik"] = f"19010101059{i:05d}"
    rows[6]["members"][0]["nik"] = rows[3]["members"][0]["nik"]  # the NIK of row 4 again, in row 7
    result = run(tmp_path, rows)
    assert codes(result) == {3: {"duplicate"}, 2: {"disagreement"}, 5: {"disagreement"}, 4: {"member_twice"},
                             7: {"member_twice"}}, result.report
    assert set(Verification.objects.values_list("instance_id", flat=True)) == {"uuid:same", "uuid:ok"}


def test_a_member_moving_between_households_of_one_file_is_not_flagged_in_another_chunk(entry, psm, make_household,
                                                                                        monkeypatch, tmp_path):
    """The registry household a person left is verified in a later chunk of the same file: it speaks for them."""
    monkeypatch.setattr(odk_import, "CHUNK", 1)
    left = make_household(VILLAGE_IN, members=2)
    head, mover = left.members.order_by("record_id")
    joins = submission(entry, psm.username, "uuid:m1")
    joins["members"].append({"ref": "", "status": "new", "name": "Pindah", "relation": "3", "sex": "1",
                             "birth_date": "2010-01-01", "nik": mover.nik})
    leaves = submission(make_entry(entry.prelist, left), psm.username, "uuid:m2")
    leaves["members"] = [{"ref": head.record_id, "status": "present", "name": "Kepala", "relation": "1", "sex": "1",
                          "birth_date": "1980-01-01", "nik": head.nik},
                         {"ref": mover.record_id, "status": "moved", "name": "Pindah", "relation": "3", "sex": "1",
                          "birth_date": "2010-01-01", "nik": mover.nik}]
    result = run(tmp_path, [joins, leaves])
    assert (result.applied, result.flagged) == (2, 0), result.report


def test_a_later_chunk_still_meets_the_verifications_of_an_earlier_import(entry, psm, make_household, monkeypatch,
                                                                           tmp_path):
    """The chunks of one file skip what the file itself wrote (its first pass compared those), not what came
    before it: Budi, imported last week in the first household, is refused in another in a later chunk."""
    assert run(tmp_path, [submission(entry, psm.username, "uuid:w1")]).applied == 1
    monkeypatch.setattr(odk_import, "CHUNK", 1)
    e = [make_entry(entry.prelist, make_household(VILLAGE_IN)) for _ in range(2)]
    first = submission(e[0], psm.username, "uuid:w2")
    first["members"][0]["nik"] = "1901010105900077"
    result = run(tmp_path, [first, submission(e[1], psm.username, "uuid:w3")])
    assert codes(result) == {2: {"member_twice"}}, result.report
    assert f"listed already in household {entry.household.household_id}" in result.report[0]["message"]


def bad_members(value) -> bool:
    """Whether a `members` value is neither a list of records (a repeat), nor a group, nor empty."""
    if isinstance(value, list):
        return not all(isinstance(m, dict) for m in value)
    return bool(value) and not isinstance(value, dict)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                    max_size=3), max_leaves=8)
TOP = ["prelist_id", "household", "username", "outcome", "form_version", "visited_on", "merged_into", "moved_to",
       "new_kk", "instanceID", "members", "hh"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.tuples(st.just("top"), st.dictionaries(st.sampled_from(TOP), JSONISH, max_size=3)),
    st.tuples(st.just("hh"), st.dictionaries(st.sampled_from([i.name for i in HOUSEHOLD_ITEMS]), JSONISH,
                                             max_size=3)),
    st.tuples(st.just("member"), st.dictionaries(st.sampled_from(["ref", "status", *(i.name for i in MEMBER_ITEMS)]),
                                                 JSONISH, max_size=3)),
    st.tuples(st.just("row"), JSONISH)), min_size=1, max_size=6))
def test_random_rows_never_stop_the_import_and_each_is_applied_or_reported(entry, psm, tmp_path, changes):
    rows = []
    for n, (where, change) in enumerate(changes):
        row = submission(entry, psm.username, f"uuid:h{n}")
        if where == "top":
            row.update(change)
        elif where == "hh":
            row["hh"].update(change)
        elif where == "member":
            row["members"][0].update(change)
        else:
            row = change
        rows.append(row)
    result = run(tmp_path, rows)
    reported = codes(result)
    assert result.applied + result.flagged == len(rows)
    assert len(reported) == result.flagged
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            assert "not_a_record" in reported[n]
        elif bad_members(row.get("members")):
            assert "bad_members" in reported[n]


@pytest.mark.slow
def test_a_large_csv_export_is_imported_in_memory_bounded_by_the_chunk(regions, monkeypatch, tmp_path):
    """3,000 submissions (and 12,000 member rows in any order), 200 a chunk: the traced peak stays under 4 KB a
    row of the file, what about 12 chunks of one file need; the whole file in memory takes over 15 KB a row."""
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_odk_import", BENCH / "odk_import.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(odk_import, "CHUNK", 200)
    monkeypatch.setattr(submissions, "CHUNK", 200)
    rows = 3000
    path = bench.write_export(tmp_path, bench.world_entries(rows))
    tracemalloc.start()
    try:
        result = import_submissions(path, "1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (result.applied, result.flagged) == (rows, 0), result.report[:3]
    # psycopg keeps a chunk's fetched rows as Python objects besides Django's: more per row, still far from whole-file
    per_row = 8192 if connection.vendor == "postgresql" else 4096
    assert peak < rows * per_row, f"{peak / rows:.0f} bytes a row"
