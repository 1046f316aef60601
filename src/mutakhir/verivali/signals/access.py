"""Who may do what with signals, flags, selections and outcome reports; fetch-and-authorise (404 outside scope).

Verivali is district work:
- district operators import extracts (for their district), review flags, select households for
  re-verification; the national team may import national extracts and reads everything;
- the district head (or delegate) reads and signs off the outcome report of the period;
- auditors read in their scope and change nothing; other roles see none of it (field teams get the
  selected households on their prelist).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role
from mutakhir.verivali.models import SignalFlag, SignalImport

IMPORT_ROLES = {Role.DISTRICT_OPERATOR, Role.NATIONAL}
WORK_ROLES = {Role.DISTRICT_OPERATOR}
SIGN_ROLES = {Role.DISTRICT_HEAD}
READ_ROLES = IMPORT_ROLES | SIGN_ROLES | {Role.AUDITOR}


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def can_import(user) -> bool:
    return has_role(user, IMPORT_ROLES)


def can_work(user) -> bool:
    """Return whether the user may decide flags and select households."""
    return has_role(user, WORK_ROLES)


def can_sign(user) -> bool:
    return has_role(user, SIGN_ROLES)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def imports_for(user):
    return SignalImport.objects.visible_to(user) if can_read(user) else SignalImport.objects.none()


def flags_for(user):
    return SignalFlag.objects.visible_to(user) if can_read(user) else SignalFlag.objects.none()


def get_import_for_user(user, pk) -> SignalImport:
    return get_object_or_404(imports_for(user).select_related("region", "created_by", "job"), pk=pk)


def import_region(user) -> str:
    """Return the region an import by the user covers: the account's region ('' = national)."""
    return user.region_id or ""
