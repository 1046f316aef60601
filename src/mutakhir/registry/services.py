"""Change registry households: check_* validates, do_* writes (atomic, with history). No authorisation here."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .display import ASSET_FIELDS, HOUSING_FIELDS
from .history import Entry, changes_since
from .models import Household

EDITABLE_FIELDS = HOUSING_FIELDS + ASSET_FIELDS
REASON_MAX = 100  # simple_history's change-reason column


class EditConflict(Exception):
    """Somebody else saved the household after the editor opened it; nothing was written."""

    def __init__(self, household: Household, changes: list[Entry]):
        super().__init__(_("Somebody else saved this household after you opened it. Your changes were not saved: "
                           "check what changed below, then enter your changes again."))
        self.household = household
        self.changes = changes


@transaction.atomic
def do_edit_household(household: Household, *, version: int, values: dict, reason: str, actor) -> Household:
    """Save `values` (editable fields only) if `version` is still the stored one; raise EditConflict otherwise.

    The version is claimed by compare-and-set in one UPDATE, so of two editors who opened the same
    version exactly one wins, on every database, with or without row locks.
    """
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    claimed = Household.objects.filter(pk=household.pk, version=version, ended_at__isnull=True) \
        .update(version=F("version") + 1)
    current = Household.objects.get(pk=household.pk)
    if not claimed:
        raise EditConflict(current, changes_since(current, version))
    for name, value in values.items():
        setattr(current, name, value)
    current._change_reason = reason[:REASON_MAX]
    current._history_user = actor
    current.save(update_fields=[*values, "version", "updated_at"])
    return current
