"""Turn scored person pairs into one decision per registered household.

For each registration household, every registry household holding a candidate is tried: members
are assigned one-to-one inside the pair (greedy by match weight, so twins and relatives sharing a KK
keep their own partner), and the household with most linked members wins. A registry household may
be chosen by several registrations: after a split, the part that left and the part that stayed both
come from it (both "changed"). People not linked inside their household (moved in from another
registry household) may link alone at a higher threshold.
"""

from collections import defaultdict
from dataclasses import dataclass, field

P_CANDIDATE = 0.01  # pairs considered at all
# Inside a household pair the prior that two people match is not one in the registry's size but about
# one in a household's: the same evidence gives a far higher probability.
PRIOR_IN_HOUSEHOLD = 0.25
P_IN_HOUSEHOLD = 0.5  # a link inside the chosen household pair (probability with that prior)
P_ALONE = 0.95  # a link outside it, and the strongest link of a household pair (Splink's probability)
REVIEW_BAND = (0.5, 0.95)  # a person should look at links in this band

# Household fields compared (FORMAT.md); the kind says how values are normalised.
HOUSEHOLD_FIELDS = {"region_code": "code", "address": "text", "rt": "number", "rw": "number",
                    "floor_area_m2": "number", "floor_material": "number", "wall_material": "number",
                    "roof_material": "number", "water_source": "number", "lighting": "number",
                    "cooking_fuel": "number", "toilet": "number", "tenure": "number",
                    "has_gas_cylinder": "number", "has_refrigerator": "number", "has_ac": "number",
                    "has_motorcycle": "number", "has_car": "number", "has_boat": "number", "has_gold": "number",
                    "owns_land": "number", "livestock": "number"}
# Member fields whose change is a change of the household (identity fields are not: a different
# spelling of a name or date is an entry error, not a change).
MEMBER_FIELDS = ("relation", "work_status", "work_sector")


@dataclass(frozen=True)
class Pair:
    """A scored candidate: registration person and household, registry person and household.

    `probability` is Splink's (prior: any two people); `evidence` the sum of the comparisons' log2
    Bayes factors, without the prior.
    """

    record_id: str
    registry_record_id: str
    household_id: str
    registry_household_id: str
    probability: float
    evidence: float

    @property
    def household_probability(self) -> float:
        """Return the match probability given that the two households are one."""
        odds = 2.0 ** min(self.evidence, 60.0) * PRIOR_IN_HOUSEHOLD / (1 - PRIOR_IN_HOUSEHOLD)
        return odds / (1 + odds)


@dataclass
class Decision:
    """The decision on one registration household and its members' links."""

    household_id: str
    registry_household_id: str | None = None
    category: str = "new"
    probability: float = 0.0
    changes: list[str] = field(default_factory=list)
    review: bool = False
    links: dict[str, Pair] = field(default_factory=dict)  # record_id -> accepted pair


def normalise_value(value, kind: str):
    """Return a field value in comparable form: None for empty, numbers as float, text canonical."""
    if value is None or (text := str(value).strip()) == "":
        return None
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text.lower()
    if kind == "code":
        return "".join(ch for ch in text if ch.isdigit())
    return " ".join(text.lower().split())  # callers pass addresses through normalize_address first


def assign(pairs: list[Pair], accept, used_right=()) -> list[Pair]:
    """Return a one-to-one subset of the accepted pairs, strongest evidence first."""
    left, right, out = set(), set(used_right), []
    for pair in sorted(pairs, key=lambda p: (-p.evidence, p.record_id, p.registry_record_id)):
        if accept(pair) and pair.record_id not in left and pair.registry_record_id not in right:
            left.add(pair.record_id)
            right.add(pair.registry_record_id)
            out.append(pair)
    return out


def _candidates(pairs: list[Pair]) -> list[tuple[tuple, str, list[Pair]]]:
    """Return (score, registry household, assigned links) for each registry household, best first."""
    by_household = defaultdict(list)
    for pair in pairs:
        by_household[pair.registry_household_id].append(pair)
    scored = []
    for hh, hh_pairs in by_household.items():
        links = assign(hh_pairs, lambda p: p.household_probability >= P_IN_HOUSEHOLD)
        if not links or max(p.probability for p in links) < P_ALONE:
            continue
        scored.append(((len(links), sum(p.evidence for p in links)), hh, links))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return scored


def _changes(household: dict, registry_household: dict, members: list[dict], registry_members: list[dict],
             links: dict[str, Pair]) -> list[str]:
    changes = [name for name, kind in HOUSEHOLD_FIELDS.items()
               if name in household and name in registry_household
               and normalise_value(household[name], kind) != normalise_value(registry_household[name], kind)]
    by_id = {m["record_id"]: m for m in registry_members}
    member_fields = set()
    for member in members:
        pair = links.get(member["record_id"])
        if pair is None:
            changes.append(f"member_added:{member['record_id']}")
            continue
        other = by_id[pair.registry_record_id]
        member_fields |= {f"member.{name}" for name in MEMBER_FIELDS if name in member and name in other
                          and normalise_value(member[name], "number") != normalise_value(other[name], "number")}
    linked = {p.registry_record_id for p in links.values()}
    changes += [f"member_gone:{m['record_id']}" for m in registry_members if m["record_id"] not in linked]
    return changes + sorted(member_fields)


def _allowed(pair: Pair, forced: dict[str, str], forbidden) -> bool:
    if (pair.household_id, pair.registry_household_id) in forbidden:
        return False
    return forced.get(pair.household_id, pair.registry_household_id) == pair.registry_household_id


def decide(pairs: list[Pair], households: dict[str, dict], members: dict[str, list[dict]],
           registry_households: dict[str, dict], registry_members: dict[str, list[dict]], *,
           forced: dict[str, str] | None = None, forbidden=frozenset()) -> dict[str, Decision]:
    """Return a decision for every registration household (keys of `households`).

    `members` and `registry_members` map a household id to its member rows; the registry dicts need
    to hold only the households that appear in `pairs` or `forced`. Clerical review binds the decision:
    `forced` maps a registration household to the registry household a reviewer accepted (linked
    whatever the scores), `forbidden` holds the (registration, registry) household pairs a reviewer rejected.
    """
    forced = forced or {}
    pairs_by_household = defaultdict(list)
    for pair in pairs:
        if pair.probability >= P_CANDIDATE and _allowed(pair, forced, forbidden):
            pairs_by_household[pair.household_id].append(pair)
    options = {hh: _candidates(pairs_by_household[hh]) for hh in households}
    decisions = {hh: Decision(hh) for hh in households}
    for hh, opts in options.items():
        if hh in forced:
            decisions[hh].registry_household_id = forced[hh]
            links = assign(pairs_by_household[hh], lambda p: p.household_probability >= P_IN_HOUSEHOLD)
            decisions[hh].links = {p.record_id: p for p in links}
        elif opts:
            _score, decisions[hh].registry_household_id, links = opts[0]
            decisions[hh].links = {p.record_id: p for p in links}
    used_right = {p.registry_record_id for d in decisions.values() for p in d.links.values()}
    loose = [p for hh, ps in pairs_by_household.items() for p in ps if p.record_id not in decisions[hh].links]
    for pair in assign(loose, lambda p: p.probability >= P_ALONE, used_right=used_right):
        decisions[pair.household_id].links[pair.record_id] = pair
    for hh, decision in decisions.items():
        _finish(decision, households[hh], members.get(hh, []), registry_households, registry_members,
                pairs_by_household[hh], len(options[hh]))
        if hh in forced:
            decision.review = False  # a person decided
    return decisions


def link_probability(decision: Decision, pair: Pair) -> float:
    """Return the probability of an accepted link: with the household prior inside the household pair."""
    inside = pair.registry_household_id == decision.registry_household_id
    return pair.household_probability if inside else pair.probability


def _finish(decision: Decision, household: dict, members: list[dict], registry_households, registry_members,
            pairs: list[Pair], n_options: int) -> None:
    """Set category, changes, probability and review flag."""
    lo, hi = REVIEW_BAND
    uncertain_links = any(lo <= link_probability(decision, p) < hi for p in decision.links.values())
    if decision.registry_household_id is None:
        decision.probability = max((p.probability for p in pairs), default=0.0)
        decision.review = uncertain_links or lo <= decision.probability < hi
        return
    registry_hh = decision.registry_household_id
    own = {k: p for k, p in decision.links.items() if p.registry_household_id == registry_hh}
    # The strongest link, prior: any two people (a forced household may have none).
    decision.probability = max((p.probability for p in own.values()), default=0.0)
    decision.changes = _changes(household, registry_households[registry_hh], members,
                                registry_members.get(registry_hh, []), own)
    decision.category = "changed" if decision.changes else "unchanged"
    decision.review = uncertain_links or n_options > 1
