"""What a program system pulls of a beneficiary list: a page of entries, or of changes since an earlier list,
with only the program's allowed columns (NIK/KK masked unless the program may have them in full).

The entries are `access.entries_for(user, list)`, the same region-scoped rows the list page and its exports
show; the order (region, score, household, record, id) never changes, since a drawn list is never edited.
"""

from django.db.models import Case, Q, Value, When

from mutakhir.registry.display import mask_id
from mutakhir.registry.models import Member

from . import access
from .models import API_COLUMNS, ENTRY_COLUMNS, Entry, Unit

ORDER = ("region_code", "score", "household_id", "record_id", "pk")
LISTED = (Entry.Status.SELECTED, Entry.Status.GRACE)


def columns_of(program) -> list[str]:
    """The program's allowed columns in catalogue order (an unknown name in the setting is ignored)."""
    allowed = set(program.api_columns or [])
    return [c for c in API_COLUMNS if c in allowed]


def _key(blist) -> str:
    return "record_id" if blist.version.unit == Unit.PERSON else "household_id"


def entries(user, blist, status: str | None = None):
    rows = access.entries_for(user, blist)
    return (rows.filter(status=status) if status else rows).order_by(*ORDER)


def changes(user, blist, since):
    """Entries listed now and not in `since` ("entered"), and listed in `since` and not now ("exited")."""
    key = _key(blist)
    now = access.entries_for(user, blist).filter(status__in=LISTED)
    then = access.entries_for(user, since).filter(status__in=LISTED)
    entered = Q(beneficiary_list=blist) & ~Q(**{f"{key}__in": then.values(key)})
    exited = Q(beneficiary_list=since) & ~Q(**{f"{key}__in": now.values(key)})
    rows = (access.entries_for(user, blist) | access.entries_for(user, since)).filter(status__in=LISTED)
    return (rows.filter(entered | exited)
            .annotate(since_change=Case(When(beneficiary_list=blist, then=Value("entered")), default=Value("exited")))
            .order_by(*ORDER))


def _people(user, blist, page: list[Entry]) -> dict[str, Member]:
    """The member each entry names: the person of a person list, the head (relation 1) of a household list."""
    members = Member.objects.visible_to(user).active().select_related("household")
    if blist.version.unit == Unit.PERSON:
        found = members.filter(record_id__in=[e.record_id for e in page])
        return {m.record_id: m for m in found}
    found = members.filter(relation=1, household__household_id__in=[e.household_id for e in page]).order_by("pk")
    return {m.household.household_id: m for m in reversed(found)}  # the first head wins


def rows(user, blist, page: list[Entry], columns: list[str], *, full_identity: bool) -> list[dict]:
    """Return the page's entries as dicts of the allowed columns only."""
    people = _people(user, blist, page) if set(columns) - set(ENTRY_COLUMNS) else {}
    key = _key(blist)
    out = []
    for entry in page:
        person = people.get(getattr(entry, key))
        row = {}
        for column in columns:
            if column in ENTRY_COLUMNS:
                value = getattr(entry, "since_change", None) if column == "change" else None
                row[column] = value or getattr(entry, column)
            elif column == "address":
                row[column] = person.household.address if person else None
            else:
                value = getattr(person, column, None) if person else None
                row[column] = mask_id(value) if value and column in ("nik", "kk") and not full_identity else value
        out.append(row)
    return out
