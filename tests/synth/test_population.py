"""Identity numbers, household structure, registry selection and welfare of the synthetic district."""

import collections
import statistics

from mutakhir.synth.identity import nik_parts
from mutakhir.synth.welfare import NOISE_SD

from .conftest import N


def test_it_gives_everyone_a_valid_unique_nik(data):
    civil = data["civil/members"]
    niks = [p["nik"] for p in civil]
    assert len(niks) == len(set(niks))
    for person in civil:
        parts = nik_parts(person["nik"])
        assert parts is not None, person["nik"]
        year, month, day = person["birth_date"].split("-")
        assert (parts["day"], parts["month"], parts["yy"]) == (int(day), int(month), int(year) % 100)
        assert parts["sex"] == int(person["sex"])
        assert parts["serial"] >= 1


def test_it_numbers_same_day_births_consecutively(data):
    serials = collections.defaultdict(list)
    for person in data["civil/members"]:
        serials[person["nik"][:12]].append(int(person["nik"][12:]))
    for found in serials.values():
        assert sorted(found) == list(range(1, len(found) + 1)) or max(found) > len(found)  # the rest left/died


def test_it_has_twins(data):
    by_household = collections.defaultdict(list)
    for person in data["civil/members"]:
        by_household[person["household_id"]].append(person)
    twins = 0
    for people in by_household.values():
        seen = {}
        for p in people:
            key = (p["birth_date"], p["relation"])
            if key in seen and p["relation"] == "3":
                other = seen[key]
                assert other["nik"][:12] == p["nik"][:12]  # NIKs differ only in the serial
                assert abs(int(other["nik"][12:]) - int(p["nik"][12:])) == 1
                twins += 1
            seen[key] = p
    assert twins >= 3


def test_it_gives_families_valid_kk_numbers(data):
    civil = data["civil/members"]
    kks = collections.defaultdict(set)
    for person in civil:
        kk = person["kk"]
        assert len(kk) == 16 and kk.isdigit() and not kk.endswith("0000")
        assert 1 <= int(kk[6:8]) <= 31 and 1 <= int(kk[8:10]) <= 12
        kks[person["household_id"]].add(kk)
    sizes = collections.Counter(len(v) for v in kks.values())
    assert sizes[1] > 0.8 * len(kks) and sizes[2] > 0  # some households hold two family cards
    assert 3.2 <= len(civil) / len(kks) <= 4.5


def test_it_builds_plausible_households(data):
    civil = data["civil/members"]
    heads = collections.Counter(p["household_id"] for p in civil if p["relation"] == "1")
    assert all(n == 1 for n in heads.values()) and len(heads) == N
    males = sum(p["sex"] == "1" for p in civil) / len(civil)
    assert 0.45 <= males <= 0.56
    assert {p["relation"] for p in civil} >= {"1", "2", "3", "4", "5", "6"}


def test_it_keeps_the_poorest_forty_percent_in_the_registry(data):
    welfare = data["truth/welfare"]
    registry = data["registry/households"]
    assert 0.36 * N <= len(registry) <= 0.42 * N
    inside = [float(w["log_consumption_pc"]) for w in welfare if w["registry_household_id"]]
    outside = [float(w["log_consumption_pc"]) for w in welfare if not w["registry_household_id"]]
    assert statistics.mean(inside) < statistics.mean(outside) - 0.3


def test_it_makes_the_registry_stale(data):
    civil_niks = {p["nik"] for p in data["civil/members"]}
    gone = [m for m in data["registry/members"] if m["nik"] and m["nik"] not in civil_niks]
    assert gone  # people who died or left since the snapshot
    assert max(m["birth_date"] for m in data["registry/members"]) <= "2022-09-30"


def test_it_draws_consumption_around_the_oracle_mean(data):
    welfare = data["truth/welfare"]
    residuals = [float(w["log_consumption_pc"]) - float(w["expected_log_consumption_pc"]) for w in welfare]
    assert abs(statistics.mean(residuals)) < 0.03
    assert abs(statistics.stdev(residuals) - NOISE_SD) < 0.03
    expected = [float(w["expected_log_consumption_pc"]) for w in welfare]
    assert statistics.stdev(expected) > 0.3  # the characteristics carry most of the variation


def test_it_samples_the_survey_with_weights(data):
    survey = data["survey/households"]
    assert 0.04 * N <= len(survey) <= 0.08 * N
    assert abs(sum(float(s["weight"]) for s in survey) - N) < 0.01 * N
    truth = {w["survey_household_id"]: w for w in data["truth/welfare"] if w["survey_household_id"]}
    for s in survey:
        assert s["log_consumption_pc"] == truth[s["household_id"]]["log_consumption_pc"]
        assert s["household_size"] == truth[s["household_id"]]["household_size"]
