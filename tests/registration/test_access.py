"""Registration's role rules, asked through user.has_perm() (accounts' RoleBackend): a hand-written matrix."""

import pytest
from conftest import ALL_ROLES, BANGKA, SUNGAILIAT, VILLAGE_IN

from mutakhir.accounts.models import Role
from mutakhir.registration import access

pytestmark = pytest.mark.django_db
# role: (reads, enters, imports, form channels), written out by hand, not derived from the code under test.
EXPECTED = {
    Role.REGISTRAR: (True, True, False, {"aktif", "musdes"}),
    Role.PSM: (True, True, False, {"pasif", "musdes"}),
    Role.TKSK: (True, True, False, {"pasif", "musdes"}),
    Role.DISTRICT_OPERATOR: (True, True, True, {"aktif", "pasif", "musdes"}),
    Role.DISTRICT_HEAD: (True, False, False, set()),
    Role.NATIONAL: (True, False, False, set()),
    Role.AUDITOR: (True, False, False, set()),
    Role.PROGRAM_MANAGER: (False, False, False, set()),
}


def rules(user):
    return access.can_read(user), access.can_enter(user), access.can_import(user), access.channels_for(user)


def test_the_matrix_covers_every_role():
    assert set(EXPECTED) == set(ALL_ROLES)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_its_registration_rules(role, make_user):
    user = make_user(role, {Role.REGISTRAR: VILLAGE_IN, Role.PSM: VILLAGE_IN, Role.TKSK: SUNGAILIAT}.get(role, BANGKA))
    assert rules(user) == EXPECTED[role]
    assert user.has_perm("registration.read_registration") is EXPECTED[role][0]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_an_inactive_account_gets_nothing(role, make_user):
    user = make_user(role, BANGKA, is_active=False)
    assert rules(user) == (False, False, False, set())


def test_a_superuser_gets_everything_and_an_anonymous_visitor_nothing(make_user):
    from django.contrib.auth.models import AnonymousUser

    assert rules(make_user("", None, is_superuser=True)) == (True, True, True, {"aktif", "pasif", "musdes"})
    assert rules(AnonymousUser()) == (False, False, False, set())
