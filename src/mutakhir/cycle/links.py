"""Each dashboard count as a cell with a link to the list behind it, filtered by period and region where the
list page takes filters (registrations, prelists); the other stages link to their page."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from mutakhir.ranking import access as ranking_access

from .stages import KINDS, STAGES, Row

LISTS = {"registered": "registration:list", "identified": "registration:list", "prelist": "identification:prelists",
         "verified": "verification:index", "decree": "decrees:index", "sent": "decrees:index",
         "applied": "decrees:index", "ranked": "ranking:index"}
FILTERED = {"registered": "channel", "identified": "category", "prelist": None}


@dataclass
class Cell:
    n: int
    url: str | None
    kinds: list  # (label, n, url)


def _url(user, stage: str, period, region: str, kind: str = "") -> str | None:
    if stage == "ranked" and not ranking_access.can_read_runs(user):
        return None
    base = reverse(LISTS[stage])
    if stage not in FILTERED:
        return base
    params = {"period": period.pk, "region": region}
    if kind and FILTERED[stage]:
        params[FILTERED[stage]] = kind
    return f"{base}?{urlencode(params)}"


def cells(user, row: Row, period) -> list[Cell]:
    """Return one cell per stage of `row`: its total and, for stages with kinds, each non-zero kind."""
    out = []
    for stage in STAGES:
        counts = row.stages[stage]
        kinds = [(label, counts[kind], _url(user, stage, period, row.code, kind))
                 for kind, label in KINDS.get(stage, []) if counts[kind]]
        out.append(Cell(row.total(stage), _url(user, stage, period, row.code), kinds))
    return out
