"""Where the update cycle stands: per sub-district and village, the count at each stage, and the desil mix.

Each stage is one grouped query over the whole scope (region, and a kind: channel, category, outcome),
folded in Python into village rows and sub-district subtotals; no query runs per village.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from mutakhir.accounts.scope import filter_visible
from mutakhir.core.models import JobRun
from mutakhir.decrees.models import Decree, DecreeItem, PackageDispatch
from mutakhir.identification.models import Category, MatchResult, PrelistEntry
from mutakhir.ranking.models import RankingResult, RankingRun
from mutakhir.regions.models import Region
from mutakhir.registration.models import Channel, Registration
from mutakhir.verification.models import Outcome, Status, Verification

STAGES = ["registered", "identified", "prelist", "verified", "decree", "sent", "applied", "ranked"]
DESILS = range(1, 11)


@dataclass
class Row:
    """One village or sub-district: {stage: Counter(kind -> n)}; kind "" holds a stage without kinds."""

    code: str
    name: str = ""
    stages: dict = field(default_factory=lambda: defaultdict(Counter))
    desil: Counter = field(default_factory=Counter)
    villages: list = field(default_factory=list)

    def total(self, stage: str) -> int:
        return sum(self.stages[stage].values())

    @property
    def desil_total(self) -> int:
        return sum(self.desil.values())


def _fold(rows: dict, stage: str, queryset, region: str, kind: str | None = None, n: str = "n") -> None:
    """Add one grouped query's counts to the village rows."""
    for r in queryset:
        rows.setdefault(r[region], Row(r[region])).stages[stage][r[kind] if kind else ""] += r[n]


def _latest_run():
    """Return the newest ranking run that finished (runs are national; what is counted of them is scoped)."""
    done = Q(job__isnull=True) | Q(job__state=JobRun.State.DONE)
    return RankingRun.objects.filter(done).order_by("-created_at").first()


def village_counts(user, period) -> tuple[dict[str, Row], RankingRun | None]:
    """Return {village code: Row} for the user's scope in `period`, and the ranking run the desil come from."""
    rows: dict[str, Row] = {}
    regs = filter_visible(Registration.objects.filter(update_period=period), user, "region_id")
    _fold(rows, "registered", regs.values("region_id", "channel").annotate(n=Count("pk")).order_by(),
          "region_id", "channel")
    results = filter_visible(MatchResult.objects.filter(run__update_period=period), user, "registration__region_id")
    _fold(rows, "identified", results.values("registration__region_id", "category")
          .annotate(n=Count("registration", distinct=True)).order_by(), "registration__region_id", "category")
    entries = filter_visible(PrelistEntry.objects.current().filter(prelist__update_period=period), user,
                             "prelist__region_id")
    _fold(rows, "prelist", entries.values("prelist__region_id").annotate(n=Count("pk")).order_by(),
          "prelist__region_id")
    accepted = filter_visible(Verification.objects.filter(update_period=period, status=Status.ACCEPTED), user,
                              "region_id")
    _fold(rows, "verified", accepted.values("region_id", "outcome").annotate(n=Count("pk")).order_by(),
          "region_id", "outcome")
    items = filter_visible(DecreeItem.objects.filter(decree__update_period=period,
                                                     decree__status=Decree.Status.APPROVED),
                           user, "verification__region_id")
    decreed = list(items.values("verification__region_id").annotate(
        n_decree=Count("verification", distinct=True),
        n_sent=Count("verification", distinct=True, filter=Q(decree__dispatch__isnull=False)),
        n_applied=Count("verification", distinct=True,
                        filter=Q(decree__dispatch__status=PackageDispatch.Status.APPLIED))).order_by())
    for stage in ("decree", "sent", "applied"):
        _fold(rows, stage, decreed, "verification__region_id", n=f"n_{stage}")
    run = _latest_run()
    if run is not None:
        ranked = RankingResult.objects.visible_to(user).filter(run=run).exclude(household_region="")
        for r in ranked.values("household_region", "desil").annotate(n=Count("pk")).order_by():
            row = rows.setdefault(r["household_region"], Row(r["household_region"]))
            row.stages["ranked"][""] += r["n"]
            row.desil[r["desil"]] += r["n"]
    return rows, run


def by_subdistrict(villages: dict[str, Row]) -> list[Row]:
    """Return the sub-district rows, each with its village rows and the sums of their counts, named in one query."""
    codes = [c for c in villages if len(c) == 10]
    names = dict(Region.objects.filter(code__in=[*codes, *{c[:6] for c in codes}]).values_list("code", "name"))
    subs: dict[str, Row] = {}
    for code in sorted(codes):
        village = villages[code]
        village.name = names.get(code, code)
        sub = subs.setdefault(code[:6], Row(code[:6], names.get(code[:6], code[:6])))
        sub.villages.append(village)
        for stage, kinds in village.stages.items():
            sub.stages[stage].update(kinds)
        sub.desil.update(village.desil)
    return list(subs.values())


def district_total(subs: list[Row], code: str, name: str) -> Row:
    total = Row(code, name)
    for sub in subs:
        for stage, kinds in sub.stages.items():
            total.stages[stage].update(kinds)
        total.desil.update(sub.desil)
    return total


# The kinds shown under a stage, in order, with their labels.
KINDS = {
    "registered": Channel.choices,
    "identified": Category.choices,
    "verified": Outcome.choices,
}
