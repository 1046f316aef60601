"""Selection rules: which existing households to re-verify, why, and in which order.

Each rule yields (household pk, reason token, weight, trigger time). A household's score is the sum of
its reasons' weights; a village's households are taken by score, then household ID (deterministic),
up to the village quota. A reason is dropped when the household was already selected after its
trigger, so the same complaint or flag does not bring a household back every period.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.db.models import Max
from django.utils import timezone

from mutakhir.complaints.models import Complaint
from mutakhir.identification.models import PrelistEntry
from mutakhir.ranking.compare import movers
from mutakhir.ranking.models import RankingResult
from mutakhir.registry.models import Household
from mutakhir.verification.models import Outcome, Status, Verification
from mutakhir.verivali.models import SelectionItem, SignalFlag
from mutakhir.verivali.signals.desil import latest_run

WEIGHTS = {"signal_sent": 100, "complaint": 90, "split": 80, "jump": 60, "signal": 50, "stale": 10}
MONTH_DAYS = 30.44


@dataclass(frozen=True)
class SelectionRules:
    """The operator's choices; 0 or False switches a rule off."""

    months: int = 24  # data older than this many months
    signals: bool = True  # open flags, and flags sent to re-verification
    complaints: bool = True  # complaints that sent the household to re-verification
    jump: int = 3  # desil moved by at least this much between the last two ranking runs
    splits: bool = True  # the household split at its last verification
    quota: int = 30  # households per village at most

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SelectionRules":
        return cls(**{k: type(getattr(cls, k))(v) for k, v in data.items() if k in cls.__dataclass_fields__})


Reason = tuple[int, str, int, dt.datetime]  # household pk, token, weight, trigger


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def households(district: str):
    return Household.objects.active().filter(region__pk__startswith=district)


def stale(district: str, months: int, now: dt.datetime) -> Iterator[Reason]:
    """Households whose data date (last visit, else their update period, else entry) is older than `months`."""
    cutoff = now - dt.timedelta(days=months * MONTH_DAYS)
    visited = dict(PrelistEntry.objects.filter(household__region__pk__startswith=district,
                                               verification__visited_on__isnull=False)
                   .values("household_id").annotate(last=Max("verification__visited_on"))
                   .values_list("household_id", "last"))
    rows = households(district).values_list("pk", "update_period__starts_on", "created_at")
    for pk, period_start, created in rows:
        day = visited.get(pk) or period_start
        when = _aware(day) if day else created
        if when < cutoff:
            age = int((now - when).days / MONTH_DAYS)
            yield pk, f"stale:{age}", WEIGHTS["stale"] + min(age - months, 40), when


def signals(district: str) -> Iterator[Reason]:
    flags = (SignalFlag.objects.filter(region__pk__startswith=district, household__ended_at__isnull=True,
                                       status__in=[SignalFlag.Status.OPEN, SignalFlag.Status.SENT])
             .values_list("household_id", "pk", "status", "created_at", "decided_at"))
    for household, pk, status, created, decided in flags:
        sent = status == SignalFlag.Status.SENT
        yield household, f"signal:{pk}", WEIGHTS["signal_sent" if sent else "signal"], decided if sent else created


def complaints(district: str) -> Iterator[Reason]:
    rows = (Complaint.objects.filter(region__pk__startswith=district, household__isnull=False,
                                     registration__isnull=False, household__ended_at__isnull=True)
            .values_list("household_id", "ticket", "filed_at"))
    for household, ticket, filed in rows:
        yield household, f"complaint:{ticket}", WEIGHTS["complaint"], filed


def jumps(district: str, size: int) -> Iterator[Reason]:
    """Households whose desil moved by `size` or more between the two latest runs covering the district."""
    new = latest_run(district)
    old = latest_run(district, before=new) if new else None
    if old is None:
        return
    results = RankingResult.objects.filter(run=new, household_region__startswith=district)
    moved = dict((hid, (was, now)) for hid, was, now in movers(results, old).filter(size__gte=size)
                 .values_list("household_id", "old_desil", "desil"))
    for pk, hid in households(district).filter(household_id__in=list(moved)).values_list("pk", "household_id"):
        was, now = moved[hid]
        yield pk, f"jump:{was}:{now}", WEIGHTS["jump"] + 5 * abs(now - was), new.created_at


def splits(district: str) -> Iterator[Reason]:
    rows = (Verification.objects.filter(region__pk__startswith=district, outcome=Outcome.SPLIT,
                                        status=Status.ACCEPTED, entry__household__ended_at__isnull=True,
                                        entry__household__isnull=False)
            .values_list("entry__household_id", "pk", "reviewed_at", "visited_on"))
    for household, pk, reviewed, visited in rows:
        yield household, f"split:{pk}", WEIGHTS["split"], reviewed or _aware(visited or dt.date(2000, 1, 1))


def reasons(district: str, rules: SelectionRules, now: dt.datetime) -> Iterator[Reason]:
    """Yield every reason of every rule switched on."""
    if rules.months:
        yield from stale(district, rules.months, now)
    if rules.signals:
        yield from signals(district)
    if rules.complaints:
        yield from complaints(district)
    if rules.jump:
        yield from jumps(district, rules.jump)
    if rules.splits:
        yield from splits(district)


def last_selected(district: str) -> dict[int, dt.datetime]:
    """Return {household pk: when it was last selected} in the district."""
    return dict(SelectionItem.objects.filter(region__pk__startswith=district).values("household_id")
                .annotate(last=Max("selection__created_at")).values_list("household_id", "last"))
