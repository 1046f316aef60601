"""A household's change history (its own record and its members'): who, when, what changed, why."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .display import REVEALABLE, display_value, mask_pair
from .models import Household, Member

NOT_SHOWN = {"version", "created_at"}
KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    who: str
    subject: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def household_history(household, limit: int = 50) -> list[Entry]:
    """Return the newest `limit` history entries of the household and its members."""
    records = Household.history.filter(id=household.pk)
    entries = _entries(records, lambda r: str(_("Household")))
    entries += _entries(Member.history.filter(household_id=household.pk), lambda r: r.name)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# Reasons the code writes in English on history rows (the audit record's language), as a page says them.
REASON_PREFIXES = {"verivali civil sync #": _("civil-registry sync #%(rest)s"), "import ": _("import %(rest)s"),
                   "moved to prelist v": _("moved to prelist v%(rest)s")}


def reason_label(reason: str) -> str:
    """Return a history reason in the reader's language (any other reason as written)."""
    for prefix, label in REASON_PREFIXES.items():
        if reason.startswith(prefix):
            return str(label) % {"rest": reason[len(prefix):]}
    return reason


def _entries(records, subject) -> list[Entry]:
    entries, previous = [], {}
    for record in records.select_related("history_user").order_by("history_date", "history_id"):
        before = previous.get(record.id)
        previous[record.id] = record
        entries.append(Entry(at=record.history_date, who=_who(record.history_user), subject=subject(record),
                             kind=str(KINDS.get(record.history_type, record.history_type)),
                             reason=reason_label(record.history_change_reason or ""),
                             changes=_changes(record, before) if before else []))
    return entries


def _changes(record, before) -> list[Change]:
    model_fields = record.instance_type._meta
    delta = record.diff_against(before, excluded_fields=NOT_SHOWN)
    changes = []
    for change in delta.changes:
        f = model_fields.get_field(change.field)
        if f.name in REVEALABLE and change.old and change.new:  # masked alike: show where they differ
            old, new, note = mask_pair(change.old, change.new)
            changes.append(Change(str(f.verbose_name), old, new + (f" ({note})" if note else "")))
        else:
            changes.append(Change(str(f.verbose_name), display_value(f, change.old), display_value(f, change.new)))
    return sorted(changes, key=lambda c: c.label)


def _who(user) -> str:
    if user is None:
        return str(_("system"))
    return user.get_full_name() or user.get_username()


def changes_since(household, version: int) -> list[Entry]:
    """Return the household's own saves after `version`, oldest first: what a late editor did not see."""
    records = Household.history.filter(id=household.pk, version__gte=version)
    entries = _entries(records, lambda r: str(_("Household")))
    has_base = records.filter(version=version).exists()
    return entries[1:] if has_base else entries
