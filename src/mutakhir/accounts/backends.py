"""Role rules in one place: which roles may do what, asked through `user.has_perm()`.

Region scope is separate (`scope.py`): a permission says *what* a role may do, the scope says *where*.

Decisions:
- Auditors read everything in their scope and change nothing. Reading includes revealing a full
  NIK/KK with a stated reason, like any other reader: the reveal is logged, so it is itself auditable.
- Household characteristics (housing, assets) are edited by district operators only: they compile
  verification results and answer for the district's data; village roles propose changes through
  registrations and verifications, which leave the same history.
- Program managers (K/L) work on national aggregates (criteria, quotas, beneficiary lists): they see
  registry figures but no household pages and no identity numbers.
"""

from django.contrib.auth.backends import BaseBackend

from .models import Role

VIEW_HOUSEHOLD = "registry.view_household"
REVEAL_IDENTITY = "registry.reveal_identity"
EDIT_HOUSEHOLD = "registry.edit_household_characteristics"

_HOUSEHOLD_READERS = {Role.REGISTRAR, Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD,
                      Role.NATIONAL, Role.AUDITOR}
# Registration (stage 1): village registrars, PSM, TKSK and district operators enter and correct
# registrations, each through their own form channels (aktif, pasif, musdes); district heads, the national
# team and auditors read them (auditors change nothing); only district operators bulk-import; program
# managers (K/L) work on aggregates and see no registrations.
READ_REGISTRATION = "registration.read_registration"
ENTER_REGISTRATION = "registration.enter_registration"
IMPORT_REGISTRATIONS = "registration.import_registrations"


def enter_channel(channel: str) -> str:
    """Return the permission to enter registrations through a form channel (aktif, pasif, musdes)."""
    return f"registration.enter_{channel}"


_REGISTRATION_ENTRY = {Role.REGISTRAR: ("aktif", "musdes"), Role.PSM: ("pasif", "musdes"),
                       Role.TKSK: ("pasif", "musdes"), Role.DISTRICT_OPERATOR: ("aktif", "pasif", "musdes")}
_REGISTRATION_READERS = {*_REGISTRATION_ENTRY, Role.DISTRICT_HEAD, Role.NATIONAL, Role.AUDITOR}


def _registration_permissions(role: str) -> set[str]:
    perms = {READ_REGISTRATION} if role in _REGISTRATION_READERS else set()
    if role in _REGISTRATION_ENTRY:
        perms |= {ENTER_REGISTRATION, *(enter_channel(channel) for channel in _REGISTRATION_ENTRY[role])}
    if role == Role.DISTRICT_OPERATOR:
        perms.add(IMPORT_REGISTRATIONS)
    return perms


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    role: frozenset(({VIEW_HOUSEHOLD, REVEAL_IDENTITY} if role in _HOUSEHOLD_READERS else set())
                    | ({EDIT_HOUSEHOLD} if role == Role.DISTRICT_OPERATOR else set())
                    | _registration_permissions(role))
    for role in Role
}


class RoleBackend(BaseBackend):
    """Grant the permissions of the account's role; authenticates nobody."""

    def get_all_permissions(self, user_obj, obj=None):
        if user_obj.is_anonymous or not user_obj.is_active:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))
