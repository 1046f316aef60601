"""The "all verifications" list (issue 16.2): search, status/outcome/source filters, pages, export, scope."""

import io

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.urls import reverse
from openpyxl import load_workbook

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.verification.models import Verification

from .fixtures import make_entry, make_prelist

pytestmark = pytest.mark.django_db

LIST = reverse("verification:all")
EXPORT = LIST + "?export=xlsx"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies["django_language"] = "en"


def verify(village, household, owner, **fields):
    entry = make_entry(make_prelist(village, owner), household)
    return Verification.objects.create(entry=entry, region_id=village, household=household, verifier=owner,
                                       **fields)


@pytest.fixture
def rows(make_user, make_household):
    owner = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    return {
        "in": verify(VILLAGE_IN, make_household(VILLAGE_IN, household_id="HH-IN"), owner, status="submitted",
                     outcome="verified"),
        "moved": verify(VILLAGE_IN, make_household(VILLAGE_IN, household_id="HH-MOVED"), owner, status="accepted",
                        outcome="moved", source="odk"),
        "sub": verify(VILLAGE_OTHER_SUB, make_household(VILLAGE_OTHER_SUB, household_id="HH-SUB"), owner),
        "out": verify(VILLAGE_OTHER_DISTRICT, make_household(VILLAGE_OTHER_DISTRICT, household_id="HH-OUT"), owner),
    }


def shown(response) -> set[int]:
    return {v.pk for v in response.context["page"].object_list}


@pytest.fixture
def operator(client, make_user):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    return client


def test_it_searches_and_filters(operator, rows):
    ids = {k: v.pk for k, v in rows.items()}
    assert shown(operator.get(LIST)) == {ids["in"], ids["moved"], ids["sub"]}
    assert shown(operator.get(LIST, {"q": "hh-in"})) == set()  # household IDs are exact
    assert shown(operator.get(LIST, {"q": "HH-IN"})) == {ids["in"]}
    assert shown(operator.get(LIST, {"q": "HH-OUT"})) == set()
    head = rows["sub"].household.members.get(relation=1).name
    assert shown(operator.get(LIST, {"q": head})) == {ids["sub"]}
    assert shown(operator.get(LIST, {"village": VILLAGE_OTHER_SUB})) == {ids["sub"]}
    assert shown(operator.get(LIST, {"status": "accepted"})) == {ids["moved"]}
    assert shown(operator.get(LIST, {"outcome": "verified"})) == {ids["in"]}
    assert shown(operator.get(LIST, {"channel": "odk"})) == {ids["moved"]}
    assert shown(operator.get(LIST, {"village": VILLAGE_OTHER_DISTRICT})) == set()
    assert "not searched from a list" in operator.get(LIST, {"q": "1901010105800001"}).text


def test_pages_without_n_plus_one(operator, make_user, make_household, django_assert_max_num_queries):
    owner = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    for _ in range(55):
        verify(VILLAGE_IN, make_household(VILLAGE_IN, members=1), owner)
    with django_assert_max_num_queries(12):
        first = operator.get(LIST, {"village": VILLAGE_IN})
    assert len(shown(first)) == 50 and f"village={VILLAGE_IN}&amp;page=2" in first.text
    assert len(shown(operator.get(LIST, {"village": VILLAGE_IN, "page": 2}))) == 5


def test_export_asks_a_reason_and_logs_it(operator, rows):
    assert operator.post(EXPORT, {"reason": ""}).status_code == 400 and not PersonalDataAccess.objects.exists()
    response = operator.post(EXPORT + "&outcome=moved", {"reason": "Rekap pindah"})
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[3] for r in values[1:]] == ["HH-MOVED"]
    logged = PersonalDataAccess.objects.get()
    assert (logged.object_type, logged.reason) == ("verification", "Rekap pindah") and "outcome=moved" in logged.fields


@pytest.mark.parametrize(("role", "region", "sees"), [
    (Role.PSM, VILLAGE_IN, {"in", "moved"}),
    (Role.TKSK, VILLAGE_OTHER_SUB[:6], {"sub"}),
    (Role.DISTRICT_OPERATOR, "1902", {"out"}),
    (Role.NATIONAL, None, {"in", "moved", "sub", "out"}),
])
def test_list_and_export_stay_in_scope(client, make_user, rows, role, region, sees):
    client.force_login(make_user(role, region))
    expected = {rows[k].pk for k in sees}
    assert shown(client.get(LIST)) == expected
    allowed = {rows[k].region_id for k in sees}
    for village in (VILLAGE_IN, VILLAGE_OTHER_SUB, VILLAGE_OTHER_DISTRICT):
        assert shown(client.get(LIST, {"village": village})) <= expected
        exported = client.post(EXPORT + f"&village={village}", {"reason": "Pemeriksaan wilayah"})
        assert {r[0] for r in list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]} <= allowed
