"""The household decision on hand-made cases: birth, death, split, twins, typos only, new."""

from mutakhir.identification.linkage.households import Pair, assign, decide

HOUSEHOLD = {"region_code": "1901011001", "address": "Jl. Merdeka No. 5", "rt": "01", "floor_area_m2": "36",
             "has_motorcycle": "0"}


def member(record_id, household_id, relation="3", **extra):
    return {"record_id": record_id, "household_id": household_id, "relation": relation, "work_status": "1", **extra}


def pair(left, right, probability=0.999, evidence=30.0):
    return Pair(left, right, left.split("-")[0], right.split("-")[0], probability, evidence)


def run(pairs, reg_members, bdt_members, reg_households=None, bdt_households=None):
    group = lambda rows: {m["household_id"]: [r for r in rows if r["household_id"] == m["household_id"]]  # noqa: E731
                          for m in rows}
    reg_households = reg_households or {m["household_id"]: {**HOUSEHOLD, "household_id": m["household_id"]}
                                        for m in reg_members}
    bdt_households = bdt_households or {m["household_id"]: {**HOUSEHOLD, "household_id": m["household_id"]}
                                        for m in bdt_members}
    return decide(pairs, reg_households, group(reg_members), bdt_households, group(bdt_members))


FAMILY = [member("B1-1", "B1", "1"), member("B1-2", "B1", "2"), member("B1-3", "B1")]
SAME = [member("R1-1", "R1", "1"), member("R1-2", "R1", "2"), member("R1-3", "R1")]
LINKS = [pair("R1-1", "B1-1"), pair("R1-2", "B1-2"), pair("R1-3", "B1-3")]


def test_it_finds_an_unchanged_household_despite_typos():
    typed = {"R1": {**HOUSEHOLD, "household_id": "R1", "address": "Jl.  merdeka No. 5", "rt": "1",
                    "floor_area_m2": "36.0"}}
    d = run(LINKS, SAME, FAMILY, reg_households=typed)["R1"]
    assert (d.registry_household_id, d.category, d.changes, d.review) == ("B1", "unchanged", [], False)


def test_it_sees_a_birth():
    d = run(LINKS, [*SAME, member("R1-4", "R1")], FAMILY)["R1"]
    assert (d.category, d.changes) == ("changed", ["member_added:R1-4"])


def test_it_sees_a_death():
    d = run(LINKS[1:], SAME[1:], FAMILY)["R1"]
    assert d.registry_household_id == "B1"
    assert d.changes == ["member_gone:B1-1"]


def test_it_sees_changed_fields():
    moved = {"R1": {**HOUSEHOLD, "household_id": "R1", "address": "Jl. Sudirman 9", "has_motorcycle": "1"}}
    d = run(LINKS, [*SAME[:2], {**SAME[2], "work_status": "2"}], FAMILY, reg_households=moved)["R1"]
    assert d.changes == ["address", "has_motorcycle", "member.work_status"]


def test_it_keeps_twins_apart():
    bdt = [member("B1-1", "B1", "1"), member("B1-2", "B1"), member("B1-3", "B1")]
    reg = [member("R1-1", "R1", "1"), member("R1-2", "R1"), member("R1-3", "R1")]
    # The twins look alike (same birth date, KK, parents): the cross pairs score high, the true ones higher.
    pairs = [pair("R1-1", "B1-1"), pair("R1-2", "B1-2", evidence=25), pair("R1-3", "B1-3", evidence=24),
             pair("R1-2", "B1-3", 0.99, 20), pair("R1-3", "B1-2", 0.99, 21)]
    d = run(pairs, reg, bdt)["R1"]
    assert {k: p.registry_record_id for k, p in d.links.items()} == {"R1-1": "B1-1", "R1-2": "B1-2", "R1-3": "B1-3"}
    assert d.category == "unchanged"


def test_it_links_both_parts_of_a_split_household():
    bdt = [*FAMILY, member("B1-4", "B1"), member("B1-5", "B1", "4")]  # a married child and spouse
    reg = [*SAME, member("R2-1", "R2", "1"), member("R2-2", "R2", "2")]
    pairs = [*LINKS, pair("R2-1", "B1-4", evidence=25), pair("R2-2", "B1-5", evidence=25)]
    decisions = run(pairs, reg, bdt)
    assert (decisions["R1"].registry_household_id, decisions["R1"].category) == ("B1", "changed")
    assert decisions["R1"].changes == ["member_gone:B1-4", "member_gone:B1-5"]
    split = decisions["R2"]
    assert (split.registry_household_id, split.category) == ("B1", "changed")
    assert split.changes == ["member_gone:B1-1", "member_gone:B1-2", "member_gone:B1-3", "member.relation"]
    assert {k: p.registry_record_id for k, p in split.links.items()} == {"R2-1": "B1-4", "R2-2": "B1-5"}


def test_it_calls_a_household_without_candidates_new():
    d = run([pair("R1-1", "B1-1", probability=0.3, evidence=15)], SAME, FAMILY)["R1"]
    assert (d.registry_household_id, d.category, d.links) == (None, "new", {})


def test_it_flags_links_in_the_uncertain_band_for_review():
    pairs = [LINKS[0], LINKS[1], pair("R1-3", "B1-3", probability=0.2, evidence=3)]  # 0.73 in the household
    d = run(pairs, SAME, FAMILY)["R1"]
    assert d.category == "unchanged" and d.review


def test_assign_is_one_to_one():
    pairs = [pair("R1-1", "B1-1", evidence=5), pair("R1-2", "B1-1", evidence=9), pair("R1-1", "B1-2", evidence=4)]
    linked = assign(pairs, lambda p: True)
    assert [(p.record_id, p.registry_record_id) for p in linked] == [("R1-2", "B1-1"), ("R1-1", "B1-2")]
