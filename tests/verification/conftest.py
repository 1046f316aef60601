import pytest
from conftest import SUNGAILIAT, VILLAGE_IN
from django.utils import translation

from mutakhir.accounts.models import Role

from .fixtures import make_entry, make_prelist


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Ask for English pages: the tests assert on the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, "1901")


@pytest.fixture
def psm(make_user):
    return make_user(Role.PSM, VILLAGE_IN)


@pytest.fixture
def tksk(make_user):
    return make_user(Role.TKSK, SUNGAILIAT)


@pytest.fixture
def entry(make_household, operator):
    return make_entry(make_prelist(VILLAGE_IN, operator), make_household(VILLAGE_IN, members=2))
