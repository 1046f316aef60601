"""The duplicate guard at entry: possible duplicates are shown to the registrar, never merged silently."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils.translation import gettext as _

from mutakhir.registry.models import name_key

from .models import RegistrationMember, Status

ADDRESS_SIMILARITY = 0.8


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
            found.setdefault(number, _("the same NIK %(nik)s is already registered") % {"nik": nik})
        elif kk and kk in kks:
            found.setdefault(number, _("the same family card (KK) %(kk)s is already registered") % {"kk": kk})
        elif relation == 1 and key == head and similar_address(address, reg_address):
            found.setdefault(number, _("same head's name and a similar address in this village"))
    return [Duplicate(number, reason) for number, reason in sorted(found.items())]
