"""Who may do what with registrations, and fetch-and-authorise (the same 404 for "missing" and "not yours").

Role rules (to move into accounts' RoleBackend once it grows registration permissions):
- village registrars, PSM, TKSK and district operators enter and correct registrations in their scope;
- district heads, the national team and auditors read them; auditors change nothing;
- only district operators (and superusers) bulk-import;
- program managers (K/L) work on aggregates and see no registrations.
"""

from django.shortcuts import get_object_or_404

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role

from .models import Channel, Musdes, Registration, RegistrationImport

ENTER_ROLES = {Role.REGISTRAR, Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR}
READ_ROLES = ENTER_ROLES | {Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}
IMPORT_ROLES = {Role.DISTRICT_OPERATOR}
# The channels each role enters registrations through (API and import have their own entry points).
ROLE_CHANNELS = {
    Role.REGISTRAR: {Channel.ACTIVE, Channel.MUSDES},
    Role.PSM: {Channel.PASSIVE, Channel.MUSDES},
    Role.TKSK: {Channel.PASSIVE, Channel.MUSDES},
    Role.DISTRICT_OPERATOR: {Channel.ACTIVE, Channel.PASSIVE, Channel.MUSDES},
}


def can_read(user) -> bool:
    return has_role(user, READ_ROLES)


def can_enter(user) -> bool:
    return has_role(user, ENTER_ROLES)


def can_import(user) -> bool:
    return has_role(user, IMPORT_ROLES)


def channels_for(user) -> set[str]:
    """Return the form channels the user may enter registrations through."""
    if user.is_superuser:
        return {Channel.ACTIVE, Channel.PASSIVE, Channel.MUSDES}
    return set(ROLE_CHANNELS.get(user.role, ())) if can_enter(user) else set()


def registrations_for(user):
    """Return the registrations the user may read."""
    if not can_read(user):
        return Registration.objects.none()
    return Registration.objects.visible_to(user)


def get_registration_for_user(user, number: str):
    """Return a registration the user may read, by number, or raise Http404 (services check writing)."""
    queryset = registrations_for(user).select_related("region", "update_period", "entered_by", "musdes")
    return get_object_or_404(queryset, number=number)


def get_musdes_for_user(user, pk):
    queryset = Musdes.objects.visible_to(user) if can_read(user) else Musdes.objects.none()
    return get_object_or_404(queryset.select_related("region"), pk=pk)


def get_import_for_user(user, pk):
    queryset = RegistrationImport.objects.visible_to(user) if can_import(user) else RegistrationImport.objects.none()
    return get_object_or_404(queryset, pk=pk)


def village_in_scope(user, region_code: str) -> bool:
    """Return True when a village code lies inside the user's scope."""
    prefix = getattr(user, "scope_prefix", None)
    return prefix is not None and region_code.startswith(prefix)
