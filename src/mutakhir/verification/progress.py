"""Supervision figures: per village and sub-district, how many households are to visit, visited, returned, accepted."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from mutakhir.regions.models import Region

from .access import entries_for
from .models import Status

COLUMN = {None: "to_visit", Status.ASSIGNED: "to_visit", Status.DRAFT: "to_visit", Status.SUBMITTED: "visited",
          Status.RETURNED: "returned", Status.ACCEPTED: "accepted"}


@dataclass
class Row:
    region: Region | str
    counts: dict = field(default_factory=lambda: dict.fromkeys(("to_visit", "visited", "returned", "accepted"), 0))
    villages: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def progress_for(user) -> list[Row]:
    """Return one row per sub-district, each with its village rows, for the user's scope."""
    rows = (entries_for(user).values("prelist__region_id", "verification__status")
            .annotate(n=Count("pk")).order_by())
    villages: dict[str, Row] = {}
    for r in rows:
        code = r["prelist__region_id"]
        row = villages.setdefault(code, Row(code))
        row.counts[COLUMN[r["verification__status"]]] += r["n"]
    names = Region.objects.in_bulk([*villages, *{c[:6] for c in villages}])
    subs: dict[str, Row] = defaultdict(lambda: Row(""))
    for code in sorted(villages):
        row = villages[code]
        row.region = names.get(code, code)
        sub = subs[code[:6]]
        sub.region = names.get(code[:6], code[:6])
        sub.villages.append(row)
        for k, v in row.counts.items():
            sub.counts[k] += v
    return list(subs.values())
