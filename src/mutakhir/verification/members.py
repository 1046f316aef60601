"""One person (NIK) present in two households: the check shared by the web form and the ODK/Kobo import.

A NIK that a household lists as present (or new) is "elsewhere" when, in the same update period,
- a submitted or accepted verification of another household lists it as present; or
- it is an open member of another open registry household that no verification of the period (and no
  household of the same batch) speaks for yet: once one does, its answers are the current word on who
  lives there (a member marked moved, split or died is no longer counted).
Only the outcomes that say who lives in the household list members: a household found and verified,
split (those who stay) or moved as a whole. A merged household's people live in the target household; a
household not found or that refused says nothing about where its people are.
The same registry household reached through another prelist version is not "another household".
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import batched

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from mutakhir.registry.display import mask_id
from mutakhir.registry.models import Member

from .checks import ACTIVE_MEMBER, Issue
from .models import Outcome, Source, Status, Verification

CHUNK = 2000  # ids per IN (...) lookup: below SQLite's limit on query parameters
NARROW = 50  # up to this many NIKs (a web form), the period's verifications are narrowed by a text match first
APPLIED = (Status.SUBMITTED, Status.ACCEPTED)  # verifications whose members count as listed in the period
LISTING = (Outcome.VERIFIED, Outcome.SPLIT, Outcome.MOVED)  # outcomes whose members live in the household
REWRITING = (*LISTING, Outcome.MERGED)  # outcomes after which the registry's member list of the household is stale
VERIFIED, REGISTRY = "verification", "registry"


@dataclass(frozen=True, order=True)
class Elsewhere:
    household: str  # the other household's key: registry household ID, or registration number
    source: str  # VERIFIED or REGISTRY


def listed_niks(answers: dict | None, outcome: str) -> set[str]:
    """Return the NIKs of the members the answers list as living in the household (none for some outcomes)."""
    if outcome not in LISTING:
        return set()
    return {m["nik"] for m in (answers or {}).get("members") or []
            if m.get("nik") and m.get("status", "present") in ACTIVE_MEMBER}


def _keys(entry_ids) -> dict[int, str]:
    from mutakhir.identification.models import PrelistEntry

    out = {}
    for chunk in batched(sorted(entry_ids), CHUNK):
        for e in PrelistEntry.objects.filter(pk__in=chunk).select_related("household", "registration"):
            out[e.pk] = e.household.household_id if e.household_id else e.registration.number
    return out


def _in_period_verifications(by_nik: dict, periods: set, found: dict, since) -> None:
    verified = Verification.objects.filter(entry__prelist__update_period__in=periods, status__in=APPLIED,
                                           outcome__in=LISTING)
    if since is not None:  # an ODK import's own writes, compared across its file by its first pass
        verified = verified.exclude(source=Source.ODK, updated_at__gte=since)
    if len(by_nik) <= NARROW:  # one household: let the database skip the rows not naming any of its NIKs
        text = Q()
        for nik in by_nik:
            text |= Q(answers_text__contains=nik)
        verified = verified.annotate(answers_text=Cast("answers", TextField())).filter(text)
    rows = verified.values_list("entry_id", "entry__household_id", "answers__members")
    other_entries = defaultdict(set)  # (entry, nik) -> other prelist entries
    for entry_id, household_id, members in rows.iterator(chunk_size=CHUNK):
        for nik in listed_niks({"members": members}, Outcome.VERIFIED) & by_nik.keys():
            for entry in by_nik[nik]:
                if entry.pk != entry_id and not (household_id and household_id == entry.household_id):
                    other_entries[entry.pk, nik].add(entry_id)
    if other_entries:
        keys = _keys(set().union(*other_entries.values()))
        for key, entries in other_entries.items():
            found[key] |= {Elsewhere(keys[e], VERIFIED) for e in entries}


def _in_registry(by_nik: dict, periods: set, batch_households: set, found: dict) -> None:
    candidates = defaultdict(set)  # registry household pk -> (entry, nik)
    ids = {}
    for chunk in batched(sorted(by_nik), CHUNK):
        members = (Member.objects.filter(nik__in=chunk, ended_at__isnull=True, household__ended_at__isnull=True)
                   .values_list("nik", "household_id", "household__household_id"))
        for nik, household_pk, household_id in members:
            if household_pk in batch_households:
                continue
            ids[household_pk] = household_id
            for entry in by_nik[nik]:
                if entry.household_id != household_pk:
                    candidates[household_pk].add((entry.pk, nik))
    covered = set()
    for chunk in batched(sorted(candidates), CHUNK):
        covered |= set(Verification.objects.filter(entry__household_id__in=chunk, status__in=APPLIED,
                                                   outcome__in=REWRITING, entry__prelist__update_period__in=periods)
                       .values_list("entry__household_id", flat=True))
    for household_pk, claims in candidates.items():
        if household_pk not in covered:
            for key in claims:
                found[key].add(Elsewhere(ids[household_pk], REGISTRY))


def present_elsewhere(claims, households=frozenset(), since=None) -> dict[tuple[int, str], list[Elsewhere]]:
    """Return, per (prelist entry pk, NIK) of `claims`, the other households where that person is present.

    `claims` holds (prelist entry, NIK) pairs (NIKs from `listed_niks`): the entries need `household_id` and
    `prelist.update_period_id`.
    The registry households of the claims' own entries, and `households` (registry household pks: those of a
    whole ODK file checked a chunk at a time), are left out of the registry check: the batch being checked
    speaks for them (and compares its households with one another itself). With `since` (when an ODK import
    began), the verifications written by ODK imports since are left out too: without it, each chunk of a
    file would read again all that the chunks before it wrote.
    """
    by_nik = defaultdict(set)
    for entry, nik in claims:
        by_nik[nik].add(entry)
    if not by_nik:
        return {}
    entries = set().union(*by_nik.values())
    periods = {e.prelist.update_period_id for e in entries}
    found = defaultdict(set)
    _in_period_verifications(by_nik, periods, found, since)
    _in_registry(by_nik, periods, {e.household_id for e in entries if e.household_id} | households, found)
    return {key: sorted(others) for key, others in found.items()}


def describe(nik: str, other: Elsewhere, name: str = "") -> str:
    """Return the message for a person found in another household (NIK masked)."""
    who = _("%(name)s (NIK %(nik)s)") % {"name": name, "nik": mask_id(nik)} if name else f"NIK {mask_id(nik)}"
    if other.source == VERIFIED:
        return _("%(who)s is listed already in household %(other)s, verified in this update period.") \
            % {"who": who, "other": other.household}
    return _("%(who)s is a member of registry household %(other)s: verify that household first (member moved "
             "out), or correct the NIK.") % {"who": who, "other": other.household}


def member_issues(entry, answers: dict, outcome: str) -> list[Issue]:
    """Return an issue per member of the answers present in another household, or listed twice in this one."""
    members = (answers or {}).get("members") or []
    listed = listed_niks(answers, outcome)
    first, issues = {}, []
    for i, m in enumerate(members):
        nik = m.get("nik")
        if nik not in listed or m.get("status", "present") not in ACTIVE_MEMBER:
            continue
        if nik in first:
            issues.append(Issue("member_twice", _("NIK %(nik)s is listed twice in this household (also member "
                                                  "%(n)s).") % {"nik": mask_id(nik), "n": first[nik] + 1}, "nik", i))
        else:
            first[nik] = i
    found = present_elsewhere([(entry, nik) for nik in first])
    for nik, i in first.items():
        name = members[i].get("name", "")
        issues += [Issue("member_twice", describe(nik, other, name), "nik", i)
                   for other in found.get((entry.pk, nik), ())]
    return sorted(issues, key=lambda issue: issue.member)
