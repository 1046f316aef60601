"""Region scoping in one place: every regional queryset filters through `region_q`."""

from django.db.models import Q


def region_q(user, field: str) -> Q | None:
    """Return a filter on `field` (a region code) for the user's scope, or None for nothing visible.

    `field` is a code column or a region foreign key named by its attname (`region_id`,
    `household__region_id`); Django only allows related lookups on a key, so the prefix test goes
    through the key's target (`region__pk`), which compiles to the same column without a join.
    """
    prefix = getattr(user, "scope_prefix", None)
    if prefix is None:
        return None
    if prefix == "":
        return Q()
    path = field[:-3] + "__pk" if field.endswith("_id") else field
    return Q(**{f"{path}__startswith": prefix})


def in_scope(user, code: str) -> bool:
    """Return True when the region `code` lies inside the user's scope; an account without a scope sees nothing.

    Callers test this rather than `code.startswith(user.scope_prefix or "")`, which reads "no scope" as "all".
    """
    prefix = getattr(user, "scope_prefix", None)
    return prefix is not None and code.startswith(prefix)


def filter_visible(queryset, user, field: str):
    """Limit a queryset to rows whose region `field` lies in the user's scope."""
    q = region_q(user, field)
    return queryset.none() if q is None else queryset.filter(q)
