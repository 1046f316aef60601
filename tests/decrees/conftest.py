import pytest
from conftest import VILLAGE_IN
from verification.fixtures import client, english, entry, operator, psm, tksk  # noqa: F401 - the same as there


@pytest.fixture
def national(make_household):
    """The registry as the national team holds it before a package."""
    return {name: make_household(VILLAGE_IN, members=n) for name, n in
            (("verified", 3), ("split", 2), ("moved", 2), ("merged", 1), ("target", 2), ("refused", 1))}


@pytest.fixture(autouse=True)
def signing_key(district_key):
    """Every decree test may send a package: the district has a trusted key."""
    return district_key
