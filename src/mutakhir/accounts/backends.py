"""Role rules in one place: which roles may do what, asked through `user.has_perm()`.

Region scope is separate (`scope.py`): a permission says *what* a role may do, the scope says *where*.

Decisions:
- Auditors read everything in their scope and change nothing. Reading includes revealing a full
  NIK/KK with a stated reason, like any other reader: the reveal is logged, so it is itself auditable.
- Program managers (K/L) work on national aggregates (criteria, quotas, beneficiary lists): they see
  registry figures but no household pages and no identity numbers.
"""

from django.contrib.auth.backends import BaseBackend

from .models import Role

VIEW_HOUSEHOLD = "registry.view_household"
REVEAL_IDENTITY = "registry.reveal_identity"

_HOUSEHOLD_READERS = {Role.REGISTRAR, Role.PSM, Role.TKSK, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD,
                      Role.NATIONAL, Role.AUDITOR}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    role: frozenset({VIEW_HOUSEHOLD, REVEAL_IDENTITY} if role in _HOUSEHOLD_READERS else ())
    for role in Role
}


class RoleBackend(BaseBackend):
    """Grant the permissions of the account's role; authenticates nobody."""

    def get_all_permissions(self, user_obj, obj=None):
        if user_obj.is_anonymous or not user_obj.is_active:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))
