"""Plan (preview) and commit a re-verification selection: check_* validates, do_* writes.

The plan is recomputed at commit from the same rules, so what is committed is what the rules give at
that moment; it is deterministic for the same data (score, then household ID).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.identification.models import Category, Prelist, PrelistEntry
from mutakhir.regions.models import Region
from mutakhir.registry.models import Household, Member, UpdatePeriod
from mutakhir.verification.questionnaire import HOUSEHOLD_ITEMS, MEMBER_ITEMS
from mutakhir.verification.services import _values
from mutakhir.verivali.models import Selection, SelectionItem, SignalFlag
from mutakhir.verivali.signals.desil import desil_of, latest_run

from .rules import SelectionRules, last_selected, reasons

BATCH = 1000
MAX_QUOTA = 1000


class SelectionError(Exception):
    """A selection refused, with a message for the user."""


@dataclass
class Candidate:
    household: int
    region: str = ""
    household_id: str = ""
    tokens: list[str] = field(default_factory=list)
    score: int = 0


@dataclass
class VillagePlan:
    code: str
    name: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)
    already_listed: int = 0
    quota: int = 0

    @property
    def chosen(self) -> list[Candidate]:
        return self.candidates[:self.quota]


@dataclass
class Plan:
    period: UpdatePeriod
    rules: SelectionRules
    villages: list[VillagePlan]

    @property
    def selected(self) -> int:
        return sum(len(v.chosen) for v in self.villages)

    @property
    def candidates(self) -> int:
        return sum(len(v.candidates) for v in self.villages)


def check_rules(period: UpdatePeriod, rules: SelectionRules) -> None:
    if period.status != UpdatePeriod.Status.OPEN:
        raise SelectionError(_("The update period is closed: households can only be selected in an open period."))
    if not 1 <= rules.quota <= MAX_QUOTA:
        raise SelectionError(_("The quota per village must be between 1 and %(max)s households.") % {"max": MAX_QUOTA})
    if rules.months < 0 or rules.jump < 0 or rules.jump > 9:
        raise SelectionError(_("Months must be 0 or more, and the desil jump between 0 and 9."))
    if not (rules.months or rules.signals or rules.complaints or rules.jump or rules.splits):
        raise SelectionError(_("Switch on at least one rule."))


def _listed(period: UpdatePeriod) -> set[int]:
    """Return the households already on a prelist of the period (any version)."""
    return set(PrelistEntry.objects.filter(prelist__update_period=period, household__isnull=False)
               .values_list("household_id", flat=True))


def plan(period: UpdatePeriod, rules: SelectionRules, now=None) -> Plan:
    """Return what the rules select in each village of the period's district (nothing is written)."""
    district, now = period.region_id, now or timezone.now()
    since, listed = last_selected(district), _listed(period)
    found: dict[int, Candidate] = {}
    skipped: dict[int, set[str]] = defaultdict(set)
    for household, token, weight, trigger in reasons(district, rules, now):
        if household in since and trigger <= since[household]:
            continue
        if household in listed:
            skipped[household].add(token.split(":")[0])
            continue
        candidate = found.setdefault(household, Candidate(household))
        candidate.tokens.append(token)
        candidate.score += weight
    _describe(found)
    villages: dict[str, VillagePlan] = {}
    for candidate in sorted(found.values(), key=lambda c: (-c.score, c.household_id)):
        village = villages.setdefault(candidate.region, VillagePlan(candidate.region, quota=rules.quota))
        village.candidates.append(candidate)
        for token in candidate.tokens:
            rule = token.split(":")[0]
            village.by_rule[rule] = village.by_rule.get(rule, 0) + 1
    for region in Household.objects.filter(pk__in=list(skipped)).values_list("region_id", flat=True):
        villages.setdefault(region, VillagePlan(region, quota=rules.quota)).already_listed += 1
    names = dict(Region.objects.filter(code__in=list(villages)).values_list("code", "name"))
    for code, village in villages.items():
        village.name = names.get(code, code)
    return Plan(period, rules, [villages[code] for code in sorted(villages)])


def _describe(found: dict[int, Candidate]) -> None:
    for pk, hid, region in Household.objects.filter(pk__in=list(found)).values_list("pk", "household_id",
                                                                                    "region_id"):
        found[pk].household_id, found[pk].region = hid, region


def baseline(household: Household) -> dict:
    """Return the household as the verification form is prefilled from it (members prefetched)."""
    members = [{"ref": m.record_id, "status": "present", **_values(m, MEMBER_ITEMS)} for m in household.active]
    return {"household": _values(household, HOUSEHOLD_ITEMS), "members": members}


@transaction.atomic
def do_commit(user, period: UpdatePeriod, rules: SelectionRules, now=None) -> Selection:
    """Commit the plan: a new prelist version per village with the chosen households (category verivali)."""
    check_rules(period, rules)
    result = plan(period, rules, now)
    if not result.selected:
        raise SelectionError(_("The rules select no household: nothing to commit."))
    run = latest_run(period.region_id)
    selection = Selection.objects.create(update_period=period, region_id=period.region_id, rules=rules.as_dict(),
                                         ranking_run=run, households=result.selected, created_by=user)
    for village in result.villages:
        if village.chosen:
            _commit_village(selection, village, run)
    chosen = [c.household for v in result.villages for c in v.chosen]
    SignalFlag.objects.filter(household_id__in=chosen, status__in=[SignalFlag.Status.OPEN, SignalFlag.Status.SENT]
                              ).update(status=SignalFlag.Status.SELECTED)
    return selection


def _commit_village(selection: Selection, village: VillagePlan, run) -> None:
    period = selection.update_period
    last = (Prelist.objects.select_for_update().filter(update_period=period, region_id=village.code)
            .aggregate(v=Max("version"))["v"])
    prelist = Prelist.objects.create(update_period=period, region_id=village.code, version=(last or 0) + 1,
                                     frozen_by=selection.created_by)
    entries = PrelistEntry.objects.bulk_create([
        PrelistEntry(prelist=prelist, household_id=c.household, category=Category.VERIVALI, changes=";".join(c.tokens))
        for c in village.chosen], batch_size=BATCH)
    active = Prefetch("members", Member.objects.active().order_by("relation", "record_id"), to_attr="active")
    households = Household.objects.prefetch_related(active).in_bulk([c.household for c in village.chosen])
    desil = desil_of(run, [c.household_id for c in village.chosen])
    SelectionItem.objects.bulk_create([
        SelectionItem(selection=selection, household_id=c.household, region_id=village.code, priority=n,
                      score=c.score, reasons=";".join(c.tokens), entry=entry, desil_before=desil.get(c.household_id),
                      baseline=baseline(households[c.household]))
        for n, (c, entry) in enumerate(zip(village.chosen, entries, strict=True), 1)], batch_size=BATCH)
