"""The side-by-side view of a review pair: household fields and paired members, differences marked."""

from collections import Counter
from dataclasses import dataclass

from mutakhir.registration.models import HOUSEHOLD_FIELDS
from mutakhir.registry.display import REVEALABLE, display_value, mask_pair
from mutakhir.registry.models import Household, Member

from .models import MatchResult

MEMBER_COMPARED = ("name", "nik", "kk", "sex", "birth_date", "birth_place", "relation", "education", "work_status",
                   "work_sector")


@dataclass
class Row:
    label: str
    left: str
    right: str
    differs: bool


@dataclass
class MemberPair:
    registered: object | None
    registry: object | None
    probability: float | None
    cells: list[Row]


def _normal(value):
    return "" if value is None else str(value).strip().upper()


def _rows(model, left, right, names) -> list[Row]:
    rows = []
    for name in names:
        field = model._meta.get_field(name)
        a = getattr(left, field.attname) if left is not None else None
        b = getattr(right, field.attname) if right is not None else None
        differs = left is not None and right is not None and _normal(a) != _normal(b)
        shown_a = display_value(field, a) if left is not None else ""
        shown_b = display_value(field, b) if right is not None else ""
        if differs and name in REVEALABLE:  # masked alike, so show where they differ
            shown_a, shown_b, note = mask_pair(a, b)
            shown_b += f" ({note})" if note else ""
        rows.append(Row(str(field.verbose_name), shown_a, shown_b, differs))
    return rows


def candidate_household(result: MatchResult) -> Household | None:
    """Return the registry household of the pair: the run's choice, else where most linked people live."""
    if result.household is not None:
        return result.household
    households = Counter(link.member.household_id for link in result.member_links.select_related("member")
                         if link.member is not None)
    if not households:
        return None
    return Household.objects.select_related("region").get(pk=households.most_common(1)[0][0])


def compare(result: MatchResult, household: Household | None) -> tuple[list[Row], list[MemberPair]]:
    """Return the household rows and the member pairs (registered with registry, then registry members left)."""
    household_rows = _rows(Household, result.registration, household, HOUSEHOLD_FIELDS)
    links = {link.registration_member_id: link for link in result.member_links.select_related("member")}
    pairs, used = [], set()
    for member in result.registration.members.all():
        link = links.get(member.pk)
        other = link.member if link and link.member and household and link.member.household_id == household.pk \
            else None
        used.add(getattr(other, "pk", None))
        pairs.append(MemberPair(member, other, link.match_probability if link and other else None,
                                _rows(Member, member, other, MEMBER_COMPARED)))
    if household is not None:
        for other in household.members.filter(ended_at__isnull=True).exclude(pk__in=used):
            pairs.append(MemberPair(None, other, None, _rows(Member, None, other, MEMBER_COMPARED)))
    return household_rows, pairs
