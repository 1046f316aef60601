"""The side-by-side view of a review pair: household fields and paired members, differences marked."""

from collections import Counter
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mutakhir.registration.models import HOUSEHOLD_FIELDS
from mutakhir.registry.display import REVEALABLE, display_value, mask_pair
from mutakhir.registry.models import Household, Member

from .linkage.households import REVIEW_BAND
from .models import MatchResult, ReviewDecision

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


def _p(probability: float) -> str:
    return number_format(probability, 2)


def review_reasons(result: MatchResult, household: Household | None) -> list[str]:
    """Say why the run left this pair to a person, from what it stored: the probabilities against the review band.

    The run flags a pair when a link's probability falls in REVIEW_BAND, when no household was chosen but
    the strongest pair of people falls in it, or when several registry households were candidates (the
    remaining case: the run chose a household and no link is in the band).
    """
    lo, hi = REVIEW_BAND
    band = {"lo": _p(lo), "hi": _p(hi)}
    reasons = []
    if result.household_id is None and result.match_probability is not None and lo <= result.match_probability < hi:
        reasons.append(_("No registry household was chosen, yet the strongest pair of people scores %(p)s: between "
                         "%(lo)s and %(hi)s the run cannot tell new from known.")
                       % {"p": _p(result.match_probability), **band})
    for link in result.member_links.select_related("registration_member"):
        p = link.match_probability
        if p is None or not lo <= p < hi:
            continue
        name = link.registration_member.name
        if link.member_id:
            reasons.append(_("%(name)s is linked to a registry person with probability %(p)s, below the %(hi)s "
                             "the run needs to be sure.") % {"name": name, "p": _p(p), **band})
        else:
            reasons.append(_("%(name)s resembles a registry person (probability %(p)s) but was not linked.")
                           % {"name": name, "p": _p(p)})
    if not reasons and result.household_id is not None:
        reasons.append(_("More than one registry household could be this household."))
    if household is None:
        reasons.append(_("No registry household shares a linked person with this registration: there is nothing "
                         "to call the same household."))
    return reasons


def decision_choices(household: Household | None) -> list[tuple[str, str]]:
    """Return the decisions a reviewer may take: "same household" only when there is a household to be the same as."""
    return [(value, label) for value, label in ReviewDecision.Decision.choices
            if household is not None or value != ReviewDecision.Decision.ACCEPT]
