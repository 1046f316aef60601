"""The duplicate guard at entry: possible duplicates are shown to the registrar, never merged silently.

The same rules serve single entry (`find_duplicates`) and bulk import (`find_import_duplicates`, one
query per chunk of households, and `find_file_duplicates` within the file): the same NIK or KK already
registered in the update period, or a near-identical household in the same village: the same head's
name with the same birth date or a similar address, or the same members (names and birth dates).
Names are compared in identification's canonical form (titles, old spellings and clan names set apart),
so "H. Moh. Yusuf" and "Muhammad Yusup" are one name, while twins, or two families sharing a surname,
differ by given name and are kept apart. Withdrawn registrations do not count.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pyarrow as pa
from django.db.models import Q
from django.utils.translation import gettext as _

from mutakhir.identification.linkage.normalize import normalize_names
from mutakhir.registry.models import name_key

from .models import RegistrationMember, Status

ADDRESS_SIMILARITY = 0.8
_NUMBERS = re.compile(r"\d+")
IMPORT_CHUNK = 500  # households per query: about 3,000 parameters, well inside SQLite's limit
REGISTERED_BATCH = 5000  # registered households whose names are made canonical at once


@dataclass(frozen=True)
class Duplicate:
    number: str
    reason: str

    def as_dict(self):
        return {"number": self.number, "reason": self.reason}


def _address_key(text: str) -> str:
    return name_key(text).replace("JALAN", "JL").replace("NOMOR", "NO")


def similar_address(a: str, b: str) -> bool:
    """Return True for two addresses that are the same or nearly so (case, punctuation, small typos).

    Their numbers (house, RT, dusun) must agree: "Dusun 4 No. 162" and "Dusun 4 No. 126" are two houses.
    """
    a, b = _address_key(a), _address_key(b)
    return a == b or (bool(a and b) and _NUMBERS.findall(a) == _NUMBERS.findall(b)
                      and SequenceMatcher(None, a, b).ratio() >= ADDRESS_SIMILARITY)


def _same_nik(nik: str) -> str:
    return _("the same NIK %(nik)s is already registered") % {"nik": nik}


def _same_kk(kk: str) -> str:
    return _("the same family card (KK) %(kk)s is already registered") % {"kk": kk}


def _same_household() -> str:
    return _("same head's name and a similar address in this village")


def _same_head_birth() -> str:
    return _("same head's name and birth date in this village")


def _same_members() -> str:
    return _("the same members (names and birth dates) in this village")


def canonical_names(names: list[str]) -> list[str]:
    """Return each name in canonical form (identification's rules, clan name last); "" when nothing is left."""
    if not names:
        return []
    given, clan = normalize_names(pa.array(names, pa.string()))
    return [" ".join(p for p in pair if p) for pair in zip(given.to_pylist(), clan.to_pylist(), strict=True)]


@dataclass(frozen=True)
class Likeness:
    """What makes two households of one village near-identical: canonical head, head's birth date, members."""

    head: str
    head_birth: dt.date | None
    address: str
    people: frozenset  # of (canonical name, birth date or None)

    def resembles(self, other: "Likeness") -> str | None:
        """Return why the two look like one household, or None."""
        if self.head and self.head == other.head:
            if self.head_birth and self.head_birth == other.head_birth:
                return _same_head_birth()
            if similar_address(self.address, other.address):
                return _same_household()
        if self.comparable_people and self.people == other.people:
            return _same_members()
        return None

    @property
    def comparable_people(self) -> bool:
        """Two members or more, one with a birth date at least: a couple of common names alone is not enough."""
        return len(self.people) >= 2 and any(born for _name, born in self.people)


def likenesses(households: list[tuple[str, list[tuple[str, dt.date | None, bool]]]]) -> list[Likeness]:
    """Return the Likeness of each (address, [(name, birth date, is head)]), names made canonical at once."""
    names = canonical_names([name for _address, people in households for name, _born, _head in people])
    out, at = [], 0
    for address, people in households:
        keys = names[at:at + len(people)]
        at += len(people)
        head = next(((k, born) for k, (_n, born, is_head) in zip(keys, people, strict=True) if is_head), ("", None))
        out.append(Likeness(head[0], head[1], address,
                            frozenset((k, born) for k, (_n, born, _h) in zip(keys, people, strict=True))))
    return out


def find_duplicates(period, region_code: str, address: str, members: list[dict], *, exclude=None) -> list[Duplicate]:
    """Return registrations of this period that share a NIK or KK, or look like the same household."""
    niks = {m["nik"] for m in members if m.get("nik")}
    kks = {m["kk"] for m in members if m.get("kk")}
    found: dict[str, str] = {}
    if niks or kks:
        rows = (RegistrationMember.objects.filter(Q(nik__in=niks) | Q(kk__in=kks), registration__update_period=period)
                .exclude(registration__status=Status.WITHDRAWN)
                .values_list("registration__number", "nik", "kk")[:50])
        for number, nik, kk in rows:
            if nik and nik in niks:
                found.setdefault(number, _same_nik(nik))
            elif kk and kk in kks:
                found.setdefault(number, _same_kk(kk))
    mine = Candidate(region_code, address, people=[(m.get("name") or "", m.get("birth_date"), m.get("relation") == 1)
                                                   for m in members])
    for hit in _near_identical_registered(period, {"": mine}).values():
        found.setdefault(hit.number, hit.reason)
    if exclude is not None:
        found.pop(exclude.number, None)
    return [Duplicate(number, reason) for number, reason in sorted(found.items())]


@dataclass
class Candidate:
    """What the guard needs of one household: village, address, identifiers, members' names and birth dates."""

    region_code: str
    address: str
    niks: set[str] = field(default_factory=set)
    kks: set[str] = field(default_factory=set)
    heads: int = 0  # members with relation 1: the import keeps a household only when this is 1
    people: list[tuple[str, dt.date | None, bool]] = field(default_factory=list)  # (name, born, is head)
    likeness: Likeness | None = None


def _with_likenesses(candidates: dict[str, Candidate]) -> dict[str, Likeness]:
    """Return each candidate's Likeness, computing the missing ones in one pass over their names."""
    missing = [c for c in candidates.values() if c.likeness is None]
    for c, like in zip(missing, likenesses([(c.address, c.people) for c in missing]), strict=True):
        c.likeness = like
    return {hid: c.likeness for hid, c in candidates.items()}


def find_file_duplicates(candidates: dict[str, Candidate], rows: dict[str, int]) -> dict[str, str]:
    """Return {household id: why} for households of a file near-identical to an earlier one of its village.

    `rows` gives each household's row, so that the message names the other household and its row.
    """
    order = list(candidates)
    likes = _with_likenesses(candidates)
    by_head: dict[tuple, list[str]] = {}
    by_people: dict[tuple, str] = {}
    found: dict[str, str] = {}
    for hid in order:
        c, mine = candidates[hid], likes[hid]
        earlier = [(other, why) for other in by_head.get((c.region_code, mine.head), ())
                   if (why := mine.resembles(likes[other]))]
        if not earlier and mine.comparable_people and (other := by_people.get((c.region_code, mine.people))):
            earlier = [(other, _same_members())]
        if earlier:
            other, why = earlier[0]
            found[hid] = (_("near-identical to household %(other)s of this file (row %(row)s): %(why)s")
                          % {"other": other, "row": rows[other], "why": why})
        if mine.head:
            by_head.setdefault((c.region_code, mine.head), []).append(hid)
        if mine.comparable_people:
            by_people.setdefault((c.region_code, mine.people), hid)
    return found


def find_import_duplicates(period, candidates: dict[str, Candidate]) -> dict[str, Duplicate]:
    """Return {household id: the first registration of the period it may duplicate}.

    NIK and KK: one query per chunk of households. Near-identical: one pass over the members registered
    in the villages of the file.
    """
    found: dict[str, Duplicate] = {}
    keys = list(candidates)
    for start in range(0, len(keys), IMPORT_CHUNK):
        chunk = {k: candidates[k] for k in keys[start:start + IMPORT_CHUNK]}
        found.update(_match_chunk(period, chunk))
    for hid, hit in _near_identical_registered(period, {k: c for k, c in candidates.items() if k not in found}).items():
        found.setdefault(hid, hit)
    return found


def _match_chunk(period, chunk: dict[str, Candidate]) -> Iterable[tuple[str, Duplicate]]:
    niks = set().union(*(c.niks for c in chunk.values()))
    kks = set().union(*(c.kks for c in chunk.values()))
    if not niks and not kks:
        return
    rows = (RegistrationMember.objects.filter(Q(nik__in=niks) | Q(kk__in=kks), registration__update_period=period)
            .exclude(registration__status=Status.WITHDRAWN).order_by("registration__number")
            .values_list("registration__number", "nik", "kk"))
    by_nik, by_kk = {}, {}
    for number, nik, kk in rows:
        by_nik.setdefault(nik, number)
        by_kk.setdefault(kk, number)
    for hid, c in chunk.items():
        if hit := next((n for n in sorted(c.niks) if n in by_nik), None):
            yield hid, Duplicate(by_nik[hit], _same_nik(hit))
        elif hit := next((k for k in sorted(c.kks) if k in by_kk), None):
            yield hid, Duplicate(by_kk[hit], _same_kk(hit))


def _near_identical_registered(period, candidates: dict[str, Candidate]) -> dict[str, Duplicate]:
    """Return {household id: a registration of its village it looks like}, reading those villages' members once."""
    if not candidates:
        return {}
    likes = _with_likenesses(candidates)
    by_head: dict[tuple, list[str]] = {}
    by_people: dict[tuple, list[str]] = {}
    for hid, c in candidates.items():
        if likes[hid].head:
            by_head.setdefault((c.region_code, likes[hid].head), []).append(hid)
        if likes[hid].comparable_people:
            by_people.setdefault((c.region_code, likes[hid].people), []).append(hid)
    rows = (RegistrationMember.objects
            .filter(registration__update_period=period,
                    registration__region_id__in={c.region_code for c in candidates.values()})
            .exclude(registration__status=Status.WITHDRAWN).order_by("registration__number", "position")
            .values_list("registration__number", "registration__region_id", "registration__address", "name",
                         "birth_date", "relation"))
    found: dict[str, Duplicate] = {}
    for batch in _registrations(rows.iterator(chunk_size=REGISTERED_BATCH)):
        theirs = likenesses([(address, people) for _number, _region, address, people in batch])
        for (number, region, _address, _people), like in zip(batch, theirs, strict=True):
            for hid in by_head.get((region, like.head), ()):
                if hid not in found and (why := likes[hid].resembles(like)):
                    found[hid] = Duplicate(number, why)
            for hid in by_people.get((region, like.people), ()) if like.comparable_people else ():
                found.setdefault(hid, Duplicate(number, _same_members()))
    return found


def _registrations(rows) -> Iterable[list[tuple]]:
    """Group member rows (ordered by registration) into batches of (number, region, address, people)."""
    batch: list[tuple] = []
    current = None
    for number, region, address, name, born, relation in rows:
        if current is None or current[0] != number:
            if len(batch) >= REGISTERED_BATCH:
                yield batch
                batch = []
            current = (number, region, address, [])
            batch.append(current)
        current[3].append((name, born, relation == 1))
    if batch:
        yield batch
