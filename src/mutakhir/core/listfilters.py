"""The query filters list pages share with the cycle dashboard's count links: `?period=ID&region=CODE`.

A value that does not parse is ignored (the list shows unfiltered rows), never a 500; the list's own scope
still applies, so a region outside it lists nothing.
"""

import re

from .numbers import small_int

_REGION = re.compile(r"[0-9]{2,10}")


def by_period_and_region(queryset, params, *, period: str, region: str):
    """Narrow `queryset` to `?period=` (an update period id) and `?region=` (a region-code prefix; `region` names
    the key through its target, `region__pk`, as scope.region_q does)."""
    pk = small_int(params.get("period", ""))
    if pk is not None:
        queryset = queryset.filter(**{period: pk})
    code = params.get("region", "")
    if _REGION.fullmatch(code):
        queryset = queryset.filter(**{f"{region}__startswith": code})
    return queryset


def active_filters(params) -> bool:
    """Return True when the request asks for any of the shared filters (the page then says so)."""
    return any(params.get(name) for name in ("period", "region", "channel", "category"))
