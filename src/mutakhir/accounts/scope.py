"""Region scoping in one place: every regional queryset filters through `region_q`."""

from django.db.models import Q


def region_q(user, field: str) -> Q | None:
    """Return a filter on `field` (a region code) for the user's scope, or None for nothing visible."""
    prefix = getattr(user, "scope_prefix", None)
    if prefix is None:
        return None
    return Q() if prefix == "" else Q(**{f"{field}__startswith": prefix})


def filter_visible(queryset, user, field: str):
    """Limit a queryset to rows whose region `field` lies in the user's scope."""
    q = region_q(user, field)
    return queryset.none() if q is None else queryset.filter(q)
