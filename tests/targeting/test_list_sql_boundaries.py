"""The list SQL at its boundaries: a member's birthday on the reference date, unreadable numbers and dates,
the grace band's and near band's edges, the near count, per-region summary counts and the target desil."""

# ruff: noqa: S608 -- test SQL over the views the code under test builds.
from datetime import date

import pytest

from mutakhir.engines import get_engine
from mutakhir.targeting.lists import _materialize, run_list
from mutakhir.targeting.rules import parse
from mutakhir.targeting.sql import ListSpec, build_steps

from .data import HOUSEHOLDS, PKH, write

AS_OF = date(2026, 11, 1)


def outcome(files, rule=PKH, previous=None, **options) -> dict:
    """Return t_out by household: (status, reason, change) after every step of the list run."""
    eng = get_engine("duckdb")
    for name, path in zip(("scores", "households", "members"), files, strict=True):
        kinds = eng.load(name, str(path))
        if name == "households":
            hh_kinds = kinds
    mem_kinds = kinds
    if previous:
        eng.load("previous", str(previous))
    spec = ListSpec(parse(rule), as_of=AS_OF, previous=bool(previous), **options)
    for name, query in build_steps(spec, eng.dialect, hh_kinds, mem_kinds):
        _materialize(eng, name, query)
    out = {r[0]: r[1:] for r in eng.fetch("SELECT household_id, status, reason, change FROM t_out")}
    eng.close()
    return out


def status(out) -> dict:
    return {hid: row[0] for hid, row in out.items()}


BIRTHDAYS = [  # born ... before AS_OF (1 November 2026): 70 on the day itself, 69 a day, or a month, later
    ("B1", "1901011001", 1.0, 1, [("1956-11-01", 0, 0, 0)]), ("B2", "1901011001", 1.1, 1, [("1956-11-02", 0, 0, 0)]),
    ("B3", "1901011001", 1.2, 1, [("1956-10-31", 0, 0, 0)]), ("B4", "1901011001", 1.3, 1, [("1956-12-01", 0, 0, 0)]),
    ("B5", "1901011001", 1.4, 1, [("not a date", 0, 0, 0)]),
]


def test_a_member_turns_70_on_the_reference_date_not_the_day_after(tmp_path):
    out = outcome(write(tmp_path, BIRTHDAYS), rule="any(member.age >= 70)")
    assert status(out) == {"B1": "selected", "B2": None, "B3": "selected", "B4": None, "B5": None}


def test_an_unreadable_number_in_a_text_column_is_unknown_not_an_error(tmp_path):
    files = write(tmp_path, HOUSEHOLDS[:2])
    text = files[1].read_text().replace("H2,1901011001,30,0", "H2,1901011001,n/a,0")
    files[1].write_text(text)
    out = outcome(files, rule="floor_area_m2 < 50")
    assert status(out) == {"H1": "selected", "H2": "near"}
    assert out["H2"][1] == "not: floor_area_m2 < 50"


def previous_list(tmp_path, *ids):
    path = tmp_path / "previous.csv"
    path.write_text("household_id\n" + "".join(f"{i}\n" for i in ids))
    return path


def test_the_grace_band_reaches_exactly_grace_points_above_the_cut_off(tmp_path):
    # 1901: H1 (percentile 5) takes the one place; H2 (15) and H3 (25, no component) were listed before.
    files = write(tmp_path / "in")
    prev = previous_list(tmp_path, "H2", "H3")
    out = outcome(files, previous=prev, quotas={"1901": 1, "1902": 5}, grace=10)
    assert out["H2"][:3] == ("grace", "grace band: on the previous list, percentile within 10.0 points of the "
                                      "cut-off", "stayed")
    assert out["H3"][0] is None and out["H3"][2] == "exited"  # 25: outside the band
    wide = outcome(files, previous=prev, quotas={"1901": 1, "1902": 5}, grace=20)
    assert wide["H3"][0] == "near" and wide["H2"][0] == "grace"  # 25: in the band, but no component: no grace
    assert outcome(files, previous=prev, quotas={"1901": 1, "1902": 5}, grace=9.99)["H2"][0] == "near"


def test_a_rank_only_rule_gives_grace_to_every_previously_listed_household(tmp_path):
    out = outcome(write(tmp_path / "in"), rule="desil <= 2", previous=previous_list(tmp_path, "H2"),
                  quotas={"1901": 1, "1902": 5}, grace=10)
    assert out["H2"][0] == "grace"


def test_the_near_band_starts_above_the_cut_off_and_ends_at_its_width(tmp_path):
    rows = [*HOUSEHOLDS, ("H8", "1901011001", 0.9, 1, [("1970-01-01", 0, 0, 0)])]  # at the cut-off, not eligible
    out = status(outcome(write(tmp_path / "in", rows), quotas={"1901": 1, "1902": 5}, near_band=10))
    assert out["H1"] == "selected" and out["H8"] is None  # percentile 5: at the cut-off, not above it
    assert (out["H2"], out["H3"]) == ("near", None)  # 15: within 10 points; 25: beyond
    wide = status(outcome(write(tmp_path / "in", rows), quotas={"1901": 1, "1902": 5}, near_band=10, grace=20))
    assert wide["H3"] == "near" and wide["H4"] is None  # the wider of grace and near band: 25 in, 35 out


def test_without_a_cut_off_the_near_list_takes_the_first_near_households_per_region(tmp_path):
    out = status(outcome(write(tmp_path / "in"), rule="desil <= 0", near=2))
    assert sorted(h for h, s in out.items() if s == "near") == ["H1", "H2", "H6", "H7"]


def test_the_summary_counts_eligible_and_listed_households_and_people(tmp_path):
    files = write(tmp_path / "in", [*HOUSEHOLDS, ("H9", "19.01.01.1001", 0.5, 1, [("1990-01-01", 1, 0, 0)])])
    summary = run_list(ListSpec(parse(PKH), as_of=AS_OF, quotas={"1901": 2}), *files, tmp_path / "out")
    regions = {r["region"]: r for r in summary["regions"]}
    assert regions["1901"] | {"cutoff": None} == {
        "region": "1901", "quota": 2, "eligible_households": 4, "eligible_people": 5, "households": 2, "people": 2,
        "grace": 0, "entered": 2, "exited": 0, "cutoff": None}
    assert regions["1901"]["cutoff"] == pytest.approx(5.0)
    assert "1902" not in regions or regions["1902"]["households"] == 0  # no quota: nobody listed


@pytest.mark.parametrize(("target", "level", "quotas"), [(2, 4, {"1901": 6, "1902": 4}), (4, 4, {"1901": 7, "1902": 3}),
                                                         (2, 2, {"19": 10})])
def test_a_national_total_is_shared_by_people_up_to_the_target_desil(tmp_path, target, level, quotas):
    summary = run_list(ListSpec(parse("desil <= 9"), as_of=AS_OF), *write(tmp_path / "in"), None,
                       national_total=10, target_desil=target, level=level)
    assert summary["quotas"] == quotas
