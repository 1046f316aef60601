"""The duplicate guard at entry: possible duplicates are shown to the registrar, never merged silently.

The same rules serve single entry (`find_duplicates`, one query) and bulk import (`find_import_duplicates`,
one query per chunk of households): the same NIK or KK already registered in the update period, or the same
head's name with a similar address in the same village. Withdrawn registrations do not count.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils.translation import gettext as _

from mutakhir.registry.models import name_key

from .models import RegistrationMember, Status

ADDRESS_SIMILARITY = 0.8
IMPORT_CHUNK = 500  # households per query: about 3,000 parameters, well inside SQLite's limit


@dataclass(frozen=True)
class Duplicate:
    number: str
    reason: str

    def as_dict(self):
        return {"number": self.number, "reason": self.reason}


def _address_key(text: str) -> str:
    return name_key(text).replace("JALAN", "JL").replace("NOMOR", "NO")


def similar_address(a: str, b: str) -> bool:
    """Return True for two addresses that are the same or nearly so (case, punctuation, small typos)."""
    a, b = _address_key(a), _address_key(b)
    return a == b or (bool(a and b) and SequenceMatcher(None, a, b).ratio() >= ADDRESS_SIMILARITY)


def _same_nik(nik: str) -> str:
    return _("the same NIK %(nik)s is already registered") % {"nik": nik}


def _same_kk(kk: str) -> str:
    return _("the same family card (KK) %(kk)s is already registered") % {"kk": kk}


def _same_household() -> str:
    return _("same head's name and a similar address in this village")


def find_duplicates(period, region_code: str, address: str, members: list[dict], *, exclude=None) -> list[Duplicate]:
    """Return registrations of this period that share a NIK or KK, or look like the same household."""
    niks = {m["nik"] for m in members if m.get("nik")}
    kks = {m["kk"] for m in members if m.get("kk")}
    head = next((name_key(m["name"]) for m in members if m.get("relation") == 1), "")
    q = Q(nik__in=niks) | Q(kk__in=kks) if niks or kks else Q()
    if head:
        q |= Q(name_key=head, relation=1, registration__region_id=region_code)
    if not q:
        return []
    rows = (RegistrationMember.objects.filter(q, registration__update_period=period)
            .exclude(registration__status=Status.WITHDRAWN)
            .values_list("registration__number", "registration__address", "nik", "kk", "name_key", "relation")[:50])
    found: dict[str, str] = {}
    for number, reg_address, nik, kk, key, relation in rows:
        if exclude is not None and number == exclude.number:
            continue
        if nik and nik in niks:
            found.setdefault(number, _same_nik(nik))
        elif kk and kk in kks:
            found.setdefault(number, _same_kk(kk))
        elif relation == 1 and key == head and similar_address(address, reg_address):
            found.setdefault(number, _same_household())
    return [Duplicate(number, reason) for number, reason in sorted(found.items())]


@dataclass
class Candidate:
    """What the guard needs of one household of an import: village, address, identifiers, head's name key."""

    region_code: str
    address: str
    niks: set[str] = field(default_factory=set)
    kks: set[str] = field(default_factory=set)
    head: str = ""
    heads: int = 0  # members with relation 1: the import keeps a household only when this is 1


def find_import_duplicates(period, candidates: dict[str, Candidate]) -> dict[str, Duplicate]:
    """Return {household id: the first registration of the period it may duplicate}, one query per chunk."""
    found: dict[str, Duplicate] = {}
    keys = list(candidates)
    for start in range(0, len(keys), IMPORT_CHUNK):
        chunk = {k: candidates[k] for k in keys[start:start + IMPORT_CHUNK]}
        found.update(_match_chunk(period, chunk))
    return found


def _match_chunk(period, chunk: dict[str, Candidate]) -> Iterable[tuple[str, Duplicate]]:
    niks = set().union(*(c.niks for c in chunk.values()))
    kks = set().union(*(c.kks for c in chunk.values()))
    heads = {c.head for c in chunk.values() if c.head}
    q = Q(nik__in=niks) | Q(kk__in=kks) | Q(relation=1, name_key__in=heads,
                                           registration__region_id__in={c.region_code for c in chunk.values()})
    rows = (RegistrationMember.objects.filter(q, registration__update_period=period)
            .exclude(registration__status=Status.WITHDRAWN).order_by("registration__number")
            .values_list("registration__number", "registration__address", "registration__region_id", "nik", "kk",
                         "name_key", "relation"))
    by_nik, by_kk, by_head = {}, {}, {}
    for number, address, region, nik, kk, key, relation in rows:
        by_nik.setdefault(nik, number)
        by_kk.setdefault(kk, number)
        if relation == 1:
            by_head.setdefault((region, key), []).append((number, address))
    for hid, c in chunk.items():
        if hit := next((n for n in sorted(c.niks) if n in by_nik), None):
            yield hid, Duplicate(by_nik[hit], _same_nik(hit))
        elif hit := next((k for k in sorted(c.kks) if k in by_kk), None):
            yield hid, Duplicate(by_kk[hit], _same_kk(hit))
        elif number := next((n for n, a in by_head.get((c.region_code, c.head), ()) if similar_address(c.address, a)),
                            None):
            yield hid, Duplicate(number, _same_household())
