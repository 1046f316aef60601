"""Figures per region for the targeting dashboard: households and people by desil, program coverage."""

from dataclasses import dataclass

from django.db.models import Count, Q

from mutakhir.ranking.cutpoints import coverage as coverage_desil
from mutakhir.ranking.models import RankingResult
from mutakhir.registry.models import Member

from . import access
from .models import BeneficiaryList, Entry

BAR_WIDTH, CHART_HEIGHT = 36, 160


@dataclass
class Bar:
    label: str
    value: int
    x: int
    y: int
    height: int


def desil_figures(user, run) -> list[dict]:
    """Return households and people per desil of a run, inside the user's scope."""
    results = RankingResult.objects.visible_to(user).filter(run=run)
    by_desil = {r["desil"]: r["n"] for r in results.values("desil").annotate(n=Count("pk"))}
    desil_of = dict(results.values_list("household_id", "desil"))
    people = {d: 0 for d in range(1, 11)}
    sizes = (Member.objects.visible_to(user).active().filter(household__household_id__in=list(desil_of))
             .values_list("household__household_id").annotate(n=Count("pk")))
    for hid, n in sizes:
        people[desil_of[hid]] += n
    return [{"desil": d, "households": by_desil.get(d, 0), "people": people[d]} for d in range(1, 11)]


def coverage(user, run) -> list[dict]:
    """Return per program, from its latest list on `run`, the households listed and the estimated poor covered."""
    results = RankingResult.objects.visible_to(user).filter(run=run)
    top = coverage_desil()  # "estimated poor": desil 1..N of the national coverage (1-4: the old BDT 40%)
    poor = results.filter(desil__lte=top)
    poor_n = poor.count()
    rows = []
    for program in access.programs_for(user):
        lists = BeneficiaryList.objects.filter(version__program=program, ranking_run=run)
        blist = lists.order_by("-created_at").first()
        if blist is None:
            continue
        listed = access.entries_for(user, blist).filter(status__in=[Entry.Status.SELECTED, Entry.Status.GRACE])
        ids = listed.values("household_id")
        figures = results.filter(household_id__in=ids).aggregate(
            listed=Count("pk"), poor=Count("pk", filter=Q(desil__lte=top)))
        rows.append({"program": program.name, "list": blist.pk, "listed": figures["listed"],
                     "poor_covered": figures["poor"], "poor": poor_n,
                     "coverage": round(100 * figures["poor"] / poor_n, 1) if poor_n else None,
                     "outside_poor": figures["listed"] - figures["poor"]})
    return rows


def bars(values: list[tuple[str, int]]) -> list[Bar]:
    """Return bar geometry of an inline SVG chart (CHART_HEIGHT tall, bars BAR_WIDTH wide)."""
    top = max((v for _label, v in values), default=0) or 1
    out = []
    for i, (label, value) in enumerate(values):
        height = round((CHART_HEIGHT - 20) * value / top)
        out.append(Bar(label, value, i * (BAR_WIDTH + 8) + 4, CHART_HEIGHT - 20 - height, height))
    return out
