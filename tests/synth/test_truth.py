"""Ground truth: categories agree with the data, entry errors appear at their documented rates."""

import collections

from mutakhir.synth.errors import RATES
from mutakhir.synth.registrations import CHANGE_KINDS

HOUSEHOLD_FIELDS = ("region_code", "rt", "rw", "floor_area_m2", "floor_material", "wall_material", "roof_material",
                    "water_source", "lighting", "cooking_fuel", "toilet", "tenure", "has_gas_cylinder",
                    "has_refrigerator", "has_ac", "has_motorcycle", "has_car", "has_boat", "has_gold", "owns_land",
                    "livestock")
MEMBER_FIELDS = ("sex", "relation", "education", "work_status", "work_sector", "disability", "chronic_illness",
                 "pregnant", "birth_place")


def _index(rows, key="household_id"):
    out = collections.defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def test_it_has_all_three_categories(data):
    categories = collections.Counter(t["category"] for t in data["truth/households"])
    assert set(categories) == {"new", "unchanged", "changed"}
    assert all(categories[c] >= 10 for c in categories)


def test_it_marks_unchanged_only_when_nothing_changed(data):
    truth_members = {t["record_id"]: t for t in data["truth/members"]}
    reg_h = {h["household_id"]: h for h in data["registry/households"]}
    reg_m = {m["record_id"]: m for m in data["registry/members"]}
    reg_by_household = _index(data["registry/members"])
    new_h = {h["household_id"]: h for h in data["registrations/households"]}
    new_by_household = _index(data["registrations/members"])
    for t in data["truth/households"]:
        if t["category"] != "unchanged":
            continue
        assert t["change_kind"] == ""
        registry_id = t["registry_household_id"]
        assert all(new_h[t["household_id"]][f] == reg_h[registry_id][f] for f in HOUSEHOLD_FIELDS)
        linked = [truth_members[m["record_id"]]["registry_record_id"] for m in new_by_household[t["household_id"]]]
        assert "" not in linked
        assert sorted(linked) == sorted(m["record_id"] for m in reg_by_household[registry_id])
        for m in new_by_household[t["household_id"]]:
            old = reg_m[truth_members[m["record_id"]]["registry_record_id"]]
            assert all(m[f] == old[f] for f in MEMBER_FIELDS), (m, old)


def test_it_explains_every_change(data):
    for t in data["truth/households"]:
        if t["category"] == "changed":
            assert t["registry_household_id"]
            kinds = t["change_kind"].split(";")
            assert kinds and set(kinds) <= set(CHANGE_KINDS)
        if t["category"] == "new":
            assert t["registry_household_id"] == "" and t["change_kind"] == ""
    seen = {k for t in data["truth/households"] for k in t["change_kind"].split(";") if k}
    assert {"birth", "housing", "assets", "address"} <= seen


def test_it_leaves_new_households_unlinked(data):
    truth_members = {t["record_id"]: t for t in data["truth/members"]}
    by_household = _index(data["registrations/members"])
    for t in data["truth/households"]:
        if t["category"] == "new":
            assert all(truth_members[m["record_id"]]["registry_record_id"] == ""
                       for m in by_household[t["household_id"]])


def test_it_links_changed_members_to_their_own_registry_household(data):
    truth_members = {t["record_id"]: t for t in data["truth/members"]}
    by_household = _index(data["registrations/members"])
    for t in data["truth/households"]:
        for m in by_household[t["household_id"]]:
            linked = truth_members[m["record_id"]]["registry_record_id"]
            if linked:
                assert linked.split("-")[0] == t["registry_household_id"]


def test_it_makes_entry_errors_at_their_rates(data):
    members = data["registrations/members"]
    counts = collections.Counter(e["error"] for e in data["truth/errors"])
    n = len(members)
    for kind in ("name_typo", "name_case", "nik_missing", "kk_missing", "birth_date_missing", "birth_date_default"):
        assert 0.4 * RATES[kind] * n <= counts[kind] <= 1.8 * RATES[kind] * n, (kind, counts[kind], n)
    assert counts["name_variant"] > 0 and counts["nik_digit"] + counts["nik_transposed"] + counts["nik_is_kk"] > 0


def test_it_logs_exactly_the_identity_errors_it_made(data):
    civil = {p["record_id"]: p for p in data["civil/members"]}
    truth = {t["record_id"]: t for t in data["truth/members"]}
    logged = collections.defaultdict(set)
    for e in data["truth/errors"]:
        logged[(e["record_id"], e["field"])].add(e["error"])
    compared = 0
    for m in data["registrations/members"]:
        person = civil.get(truth[m["record_id"]]["civil_record_id"])
        if person is None:
            continue
        compared += 1
        for field in ("nik", "kk", "birth_date"):
            assert (m[field] != person[field]) == bool(logged[(m["record_id"], field)]), (field, m, person)
        if not logged[(m["record_id"], "name")]:
            assert m["name"].upper() == person["name"]
        if "nik_missing" in logged[(m["record_id"], "nik")]:
            assert m["nik"] == ""
    assert compared > 0.9 * len(data["registrations/members"])
