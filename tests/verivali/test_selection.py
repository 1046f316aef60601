"""Selection for re-verification: each rule, the priority order and village quota, determinism, the preview,
the commit onto the next prelist (category verivali, what to check), and the command."""

import datetime as dt

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_SUB, in_english
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mutakhir.identification import prelists
from mutakhir.identification.models import Prelist
from mutakhir.registry.models import Household, UpdatePeriod
from mutakhir.verivali.models import SelectionItem, SignalFlag
from mutakhir.verivali.selection import services
from mutakhir.verivali.selection.rules import SelectionRules

from .signals_data import complaint_with_reverification, flag, open_period, ranking_run, verified

english = pytest.fixture(autouse=True)(in_english)
NOW = timezone.make_aware(dt.datetime(2026, 6, 1))
FRESH = SelectionRules(months=0)  # the rules without the age rule (every test household is new)


@pytest.fixture
def period(regions):
    return open_period()


@pytest.fixture
def operator(make_user):
    return make_user("district_operator", BANGKA)


@pytest.fixture
def scene(make_household, make_user, period, operator):
    """One household per rule in one village, plus one already on this period's prelist."""
    h = {name: make_household(VILLAGE_IN, household_id=f"H-{name}") for name in
         ("stale", "signal", "sent", "complaint", "jump", "split", "listed", "plain")}
    Household.objects.filter(pk=h["stale"].pk).update(created_at=NOW - dt.timedelta(days=800))
    flag(h["signal"])
    flag(h["sent"], status="sent", decided_at=timezone.now())
    flag(h["listed"])
    complaint_with_reverification(h["complaint"], period, operator)
    ranking_run({h["jump"]: 2, h["plain"]: 3})
    ranking_run({h["jump"]: 7, h["plain"]: 4})
    earlier = UpdatePeriod.objects.create(region_id=BANGKA, name="MPM 2024", starts_on=dt.date(2024, 1, 1),
                                          status="closed")
    verified(h["split"], earlier, make_user("psm", VILLAGE_IN), outcome="split")
    Prelist.objects.create(update_period=period, region_id=VILLAGE_IN, version=1, frozen_by=operator
                           ).entries.create(household=h["listed"], category="unchanged")
    return h


def test_each_rule_finds_its_household_and_priority_orders_them(scene, period):
    plan = services.plan(period, SelectionRules(months=24, quota=30), now=NOW)
    (village,) = plan.villages
    order = [c.household_id for c in village.candidates]
    assert order == ["H-sent", "H-complaint", "H-jump", "H-split", "H-signal", "H-stale"]
    tokens = {c.household_id: c.tokens for c in village.candidates}
    assert tokens["H-jump"] == ["jump:2:7"] and tokens["H-complaint"][0].startswith("complaint:ADU-1901-2026-")
    assert tokens["H-stale"] == ["stale:26"] and tokens["H-split"][0].startswith("split:")
    assert village.by_rule == {"stale": 1, "signal": 2, "complaint": 1, "jump": 1, "split": 1}
    assert village.already_listed == 1  # H-listed: flagged, but already on this period's prelist


def test_rules_switched_off_select_nothing_of_theirs(scene, period):
    plan = services.plan(period, SelectionRules(months=0, signals=False, complaints=False, jump=6, splits=False),
                         now=NOW)
    assert [c.household_id for v in plan.villages for c in v.candidates] == []
    plan = services.plan(period, SelectionRules(months=0, signals=False, complaints=False, jump=5, splits=False),
                         now=NOW)
    assert [c.household_id for v in plan.villages for c in v.candidates] == ["H-jump"]


def test_the_quota_caps_each_village_and_ties_break_by_household_id(make_household, period):
    for village in (VILLAGE_IN, VILLAGE_OTHER_SUB):
        for n in (5, 3, 9, 1):
            flag(make_household(village, household_id=f"{village[-4:]}-{n}"))
    plan = services.plan(period, FRESH.__class__(months=0, quota=2), now=NOW)
    assert [(v.code, [c.household_id for c in v.chosen], len(v.candidates)) for v in plan.villages] == [
        (VILLAGE_IN, ["1001-1", "1001-3"], 4), (VILLAGE_OTHER_SUB, ["2004-1", "2004-3"], 4)]
    assert plan.selected == 4 and plan.candidates == 8


def test_the_plan_is_deterministic(scene, period):
    first = services.plan(period, SelectionRules(quota=3), now=NOW)
    again = services.plan(period, SelectionRules(quota=3), now=NOW)
    assert [(c.household, c.tokens, c.score) for v in first.villages for c in v.chosen] == [
        (c.household, c.tokens, c.score) for v in again.villages for c in v.chosen]


def test_commit_puts_the_chosen_households_on_the_next_prelist_with_what_to_check(scene, period, operator):
    selection = services.do_commit(operator, period, SelectionRules(quota=3), now=NOW)
    assert selection.households == 3 and selection.ranking_run is not None
    prelist = Prelist.objects.get(update_period=period, region_id=VILLAGE_IN, version=2)
    entries = list(prelist.entries.order_by("pk"))
    assert [e.household.household_id for e in entries] == ["H-sent", "H-complaint", "H-jump"]
    assert {e.category for e in entries} == {"verivali"}
    items = list(SelectionItem.objects.filter(selection=selection).order_by("priority"))
    assert [(i.priority, i.entry_id, i.desil_before) for i in items] == [(1, entries[0].pk, None),
                                                                         (2, entries[1].pk, None),
                                                                         (3, entries[2].pk, 7)]
    assert items[0].baseline["members"][0]["status"] == "present"
    checks = {row.entry.household.household_id: row.checks for row in prelists.rows(prelist)}
    assert checks["H-sent"] == ["Administrative signal: Samsat: 1 car(s) registered; the registry records car: no."]
    assert checks["H-jump"] == ["Desil moved from 2 to 7 between the last two ranking runs: check what changed"]
    assert SignalFlag.objects.get(household=scene["sent"]).status == "selected"
    assert SignalFlag.objects.get(household=scene["signal"]).status == "open"  # not chosen (quota)


def test_a_household_is_not_selected_again_for_the_same_reason(scene, period, operator):
    services.do_commit(operator, period, SelectionRules(quota=30), now=NOW)
    assert services.plan(period, SelectionRules(quota=30), now=NOW).candidates == 0  # all on this period's prelist
    period.status = "closed"
    period.save()
    following = open_period(name="MPM 2027", starts_on=dt.date(2027, 1, 1))
    again = services.plan(following, SelectionRules(quota=30), now=NOW)
    # the triggers are older than the selection; H-listed was on a prelist, not selected, and its flag is open
    assert [c.household_id for v in again.villages for c in v.candidates] == ["H-listed"]


@pytest.mark.parametrize(("rules", "message"), [
    (SelectionRules(quota=0), "quota per village"), (SelectionRules(jump=12), "desil jump"),
    (SelectionRules(months=0, signals=False, complaints=False, jump=0, splits=False), "at least one rule")])
def test_it_refuses_bad_rules(period, rules, message):
    with pytest.raises(services.SelectionError, match=message):
        services.check_rules(period, rules)


def test_it_refuses_a_closed_period_and_an_empty_selection(period, operator, regions):
    with pytest.raises(services.SelectionError, match="no household"):
        services.do_commit(operator, period, FRESH)
    period.status = "closed"
    with pytest.raises(services.SelectionError, match="closed"):
        services.check_rules(period, FRESH)


def test_the_command_previews_then_commits(scene, period, operator, capsys):
    call_command("verivali", "select", "--period", str(period.pk), "--quota", "2", "--months", "0")
    out = capsys.readouterr().out
    assert f"{VILLAGE_IN}\t" in out and "2 households selected of 5 candidates in 1 villages." in out
    assert not SelectionItem.objects.exists()
    with pytest.raises(CommandError, match="--user"):
        call_command("verivali", "select", "--period", str(period.pk), "--commit")
    call_command("verivali", "select", "--period", str(period.pk), "--quota", "2", "--commit", "--user",
                 operator.username)
    assert SelectionItem.objects.count() == 2
