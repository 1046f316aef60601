import pytest
from conftest import VILLAGE_IN
from verification.fixtures import accept, client, english, entry, operator, psm, tksk  # noqa: F401 - the same as there

from mutakhir.accounts.models import Role
from mutakhir.decrees.services import do_approve_decree


@pytest.fixture
def national(make_household):
    """The registry as the national team holds it before a package."""
    return {name: make_household(VILLAGE_IN, members=n) for name, n in
            (("verified", 3), ("split", 2), ("moved", 2), ("merged", 1), ("target", 2), ("refused", 1))}


@pytest.fixture(autouse=True)
def signing_key(district_key):
    """Every decree test may send a package: the district has a trusted key."""
    return district_key


@pytest.fixture
def head(make_user):
    return make_user(Role.DISTRICT_HEAD, "1901")


@pytest.fixture
def national_team(make_user):
    return make_user(Role.NATIONAL)


@pytest.fixture
def approved(entry, psm, tksk, operator, head):  # noqa: F811 - the fixtures imported above
    """An approved decree of district 1901 with one verified household, whose package may be sent."""
    from .test_decrees import compile_decree
    from .test_package import complete

    accept(entry, psm, tksk, complete(entry, floor_material=2))
    return do_approve_decree(compile_decree(operator), actor=head)
