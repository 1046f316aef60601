"""Each dashboard count as a cell with a link to the list behind it, filtered by period and region where the
list page takes filters (registrations, prelists); the other stages link to their page."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from mutakhir.decrees import access as decrees_access
from mutakhir.identification import access as identification_access
from mutakhir.ranking import access as ranking_access
from mutakhir.registration import access as registration_access
from mutakhir.verification import access as verification_access

from .stages import KINDS, STAGES, Row

# stage -> (list page, who may open it): a count links only where its reader may follow.
LISTS = {"registered": ("registration:list", registration_access.can_read),
         "identified": ("registration:list", registration_access.can_read),
         "prelist": ("identification:prelists", identification_access.can_read_prelists),
         "verified": ("verification:index", verification_access.can_read),
         "decree": ("decrees:index", decrees_access.can_read), "sent": ("decrees:index", decrees_access.can_read),
         "applied": ("decrees:index", decrees_access.can_read),
         "ranked": ("ranking:index", ranking_access.can_read_runs)}
FILTERED = {"registered": "channel", "identified": "category", "prelist": None}


@dataclass
class Cell:
    n: int
    url: str | None
    kinds: list  # (label, n, url)


def _url(user, stage: str, period, region: str, kind: str = "") -> str | None:
    name, may_read = LISTS[stage]
    if not may_read(user):
        return None
    base = reverse(name)
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
