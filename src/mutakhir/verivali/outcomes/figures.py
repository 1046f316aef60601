"""The outcome figures of an update period's re-verification: selected, visited, confirmed, corrected,
removed, and how desil changed between the ranking run before the selection and the newest one after.

A visited household is one whose verification was submitted or accepted with an outcome. It is
*confirmed* when verified with the same data the registry held when it was selected (the item's
baseline), *corrected* when verified with other data, split or merged, and *removed* when it moved
away, was not found, or all its members died.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from mutakhir.regions.models import Region
from mutakhir.verification.models import Outcome, Status
from mutakhir.verivali.models import SelectionItem
from mutakhir.verivali.signals.desil import desil_of, latest_run
from mutakhir.verivali.signals.rules import LOW_DESIL

VISITED = (Status.SUBMITTED, Status.ACCEPTED)
COUNTS = ("selected", "visited", "confirmed", "corrected", "removed", "died", "moved", "not_found", "refused",
          "pending")
LABELS = {"selected": _("Selected"), "visited": _("Visited"), "confirmed": _("Confirmed (unchanged)"),
          "corrected": _("Corrected"), "removed": _("Removed"), "died": _("of which died"),
          "moved": _("of which moved"), "not_found": _("of which not found"), "refused": _("Refused"),
          "pending": _("Not visited yet")}
REMOVED = {"died", "moved", "not_found"}


def _same(a, b) -> bool:
    def norm(v):
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v.strip() if isinstance(v, str) else v
    return norm(a) == norm(b)


def changed(baseline: dict, answers: dict) -> bool:
    """Return whether the verified answers differ from the registry data the household was selected with."""
    before, after = baseline.get("household", {}), answers.get("household", {})
    if any(not _same(before.get(k), after.get(k)) for k in before.keys() | after.keys()):
        return True
    old = {m.get("ref"): m for m in baseline.get("members", [])}
    new = answers.get("members", [])
    if any(m.get("status") != "present" or m.get("ref") not in old for m in new) or len(new) != len(old):
        return True
    return any(not _same(old[m["ref"]].get(k), m.get(k)) for m in new for k in old[m["ref"]].keys() | m.keys())


def classify(item: SelectionItem) -> str:
    """Return what became of a selected household: pending, refused, confirmed, corrected, died, moved, not_found."""
    entry = item.entry
    verification = getattr(entry, "verification", None) if entry else None
    if verification is None or verification.status not in VISITED or not verification.outcome:
        return "pending"
    outcome = verification.outcome
    if outcome in (Outcome.MOVED, Outcome.NOT_FOUND, Outcome.REFUSED):
        return {Outcome.MOVED: "moved", Outcome.NOT_FOUND: "not_found", Outcome.REFUSED: "refused"}[outcome]
    members = verification.answers.get("members", [])
    if members and all(m.get("status") == "died" for m in members):
        return "died"
    if outcome in (Outcome.SPLIT, Outcome.MERGED) or changed(item.baseline, verification.answers):
        return "corrected"
    return "confirmed"


@dataclass
class Row:
    code: str
    name: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def add(self, kind: str) -> None:
        self.counts["selected"] += 1
        self.counts[kind] += 1
        if kind != "pending":
            self.counts["visited"] += 1
        if kind in REMOVED:
            self.counts["removed"] += 1


def desil_change(pairs: list[tuple[int, int]]) -> dict:
    """Return the desil movement of (before, after) pairs: up, down, same, leaving and entering desil 1-4."""
    matrix = [[0] * 10 for _ in range(10)]
    for before, after in pairs:
        matrix[before - 1][after - 1] += 1
    return {"compared": len(pairs), "up": sum(a > b for b, a in pairs), "down": sum(a < b for b, a in pairs),
            "same": sum(a == b for b, a in pairs),
            "left_low": sum(b <= LOW_DESIL < a for b, a in pairs),
            "entered_low": sum(a <= LOW_DESIL < b for b, a in pairs),
            "mean_change": round(sum(a - b for b, a in pairs) / len(pairs), 2) if pairs else None,
            "matrix": matrix}


def figures(period, items) -> dict:
    """Return the report of a period from its selection items (already scoped to the reader's region)."""
    items = list(items.filter(selection__update_period=period)
                 .select_related("entry__verification", "household", "selection__ranking_run"))
    villages: dict[str, Row] = {}
    total = Row("", "")
    kinds = {}
    for item in items:
        kind = classify(item)
        kinds[item.pk] = kind
        villages.setdefault(item.region_id, Row(item.region_id, "")).add(kind)
        total.add(kind)
    for code, name in Region.objects.filter(code__in=list(villages)).values_list("code", "name"):
        villages[code].name = name
    before_runs = [i.selection.ranking_run for i in items if i.selection.ranking_run_id]
    first = min(before_runs, key=lambda r: r.pk) if before_runs else None
    after = latest_run(period.region_id)
    after = after if after and first and after.pk > first.pk else None
    visited = [i for i in items if kinds[i.pk] not in ("pending", "refused") and i.desil_before]
    now = desil_of(after, [i.household.household_id for i in visited])
    pairs = [(i.desil_before, now[i.household.household_id]) for i in visited if i.household.household_id in now]
    return {"period": period.pk, "period_name": period.name, "district": period.region_id,
            "run_before": first.pk if first else None, "run_after": after.pk if after else None,
            "totals": total.counts, "villages": [{"code": r.code, "name": r.name, **r.counts}
                                                 for r in sorted(villages.values(), key=lambda r: r.code)],
            "desil": desil_change(pairs)}
