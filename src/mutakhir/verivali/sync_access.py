"""Who may do what in the civil-registry sync, and fetch-and-authorise (the same 404 for "missing" and "not yours").

- district operators start syncs and apply or reject the changes of their district;
- the national data team does the same for the whole registry;
- auditors read syncs and changes in their scope and change nothing;
- other roles see none of it.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role

from .models import CivilSync, ProposedChange

DECIDE_ROLES = {Role.DISTRICT_OPERATOR, Role.NATIONAL}
READ_ROLES = DECIDE_ROLES | {Role.AUDITOR}


def can_decide(user) -> bool:
    return has_role(user, DECIDE_ROLES)


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def syncs_for(user):
    return CivilSync.objects.visible_to(user) if can_read(user) else CivilSync.objects.none()


def changes_for(user):
    return ProposedChange.objects.visible_to(user) if can_read(user) else ProposedChange.objects.none()


def sync_region_for(user) -> str | None:
    """Return the region code a sync started by the user covers ('' = the whole registry), None if not allowed."""
    return user.scope_prefix if can_decide(user) else None


def get_sync_for_user(user, pk):
    return get_object_or_404(syncs_for(user).select_related("job", "created_by"), pk=pk)


def get_change_for_user(user, pk):
    return get_object_or_404(changes_for(user).select_related("member", "household", "region", "sync"), pk=pk)
