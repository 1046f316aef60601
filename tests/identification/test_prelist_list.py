"""The prelists list (issue 16.2): search by registration or household, village filter, pages, export, scope."""

import datetime as dt
import io

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.urls import reverse
from openpyxl import load_workbook

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun, PersonalDataAccess
from mutakhir.identification.models import MatchRun, Prelist
from mutakhir.registration.models import Registration
from mutakhir.registry.models import UpdatePeriod

pytestmark = pytest.mark.django_db

LIST = reverse("identification:prelists")
EXPORT = LIST + "?export=xlsx"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def lists(make_user, regions):
    """Prelists of two Bangka villages (VILLAGE_IN in versions 1 and 2) and one of Belitung."""
    owner = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    made = {}
    for district, villages in ((BANGKA, (VILLAGE_IN, VILLAGE_OTHER_SUB)), ("1902", (VILLAGE_OTHER_DISTRICT,))):
        period = UpdatePeriod.objects.create(region_id=district, name=f"P{district}", starts_on=dt.date(2025, 1, 1))
        job = JobRun.objects.create(kind="match", region_code=district, state=JobRun.State.DONE)
        run = MatchRun.objects.create(update_period=period, region_id=district, job=job, created_by=owner)
        for village in villages:
            reg = Registration.objects.create(number=f"REG-{village}", update_period=period, region_id=village,
                                              channel="aktif", entered_by=owner)
            made[village] = Prelist.objects.create(update_period=period, region_id=village, version=1,
                                                   match_run=run, frozen_by=owner)
            made[village].entries.create(registration=reg, category="new")
    made["v2"] = Prelist.objects.create(update_period=made[VILLAGE_IN].update_period, region_id=VILLAGE_IN,
                                        version=2, match_run=made[VILLAGE_IN].match_run, frozen_by=owner)
    return made


def shown(response) -> set[int]:
    return {p.pk for p in response.context["page"].object_list}


@pytest.fixture
def operator(client, make_user):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    return client


def test_it_searches_filters_and_marks_versions(operator, lists):
    assert shown(operator.get(LIST)) == {lists[VILLAGE_IN].pk, lists["v2"].pk, lists[VILLAGE_OTHER_SUB].pk}
    assert shown(operator.get(LIST, {"village": VILLAGE_OTHER_SUB})) == {lists[VILLAGE_OTHER_SUB].pk}
    assert shown(operator.get(LIST, {"q": f"reg-{VILLAGE_IN}"})) == {lists[VILLAGE_IN].pk}
    assert shown(operator.get(LIST, {"q": f"REG-{VILLAGE_OTHER_DISTRICT}"})) == set()
    assert "replaced by v2" in operator.get(LIST, {"village": VILLAGE_IN}).text
    assert "not searched from a list" in operator.get(LIST, {"q": "1901010105800001"}).text


def test_pages_keep_versions_right_across_pages_without_n_plus_one(operator, lists,
                                                                   django_assert_max_num_queries):
    first = lists[VILLAGE_IN]
    for version in range(3, 56):
        Prelist.objects.create(update_period=first.update_period, region_id=VILLAGE_IN, version=version,
                               match_run=first.match_run, frozen_by=first.frozen_by)
    with django_assert_max_num_queries(15):
        page_one = operator.get(LIST, {"village": VILLAGE_IN})
    assert len(shown(page_one)) == 50
    page_two = operator.get(LIST, {"village": VILLAGE_IN, "page": 2})
    assert shown(page_two) == {first.pk, lists["v2"].pk} | set(
        Prelist.objects.filter(region_id=VILLAGE_IN, version__lte=5).values_list("pk", flat=True))
    assert all(p.replaced_by == 55 for p in page_two.context["page"].object_list)  # newest is on page one


def test_export_asks_a_reason_and_logs_it(operator, lists):
    assert operator.post(EXPORT, {"reason": ""}).status_code == 400 and not PersonalDataAccess.objects.exists()
    response = operator.post(EXPORT + f"&village={VILLAGE_OTHER_SUB}", {"reason": "Rekap prelist"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[0] for r in rows[1:]] == [VILLAGE_OTHER_SUB]
    logged = PersonalDataAccess.objects.get()
    assert (logged.object_type, logged.reason) == ("prelist", "Rekap prelist")


@pytest.mark.parametrize(("role", "region", "sees"), [
    (Role.PSM, VILLAGE_IN, {VILLAGE_IN, "v2"}),
    (Role.TKSK, VILLAGE_OTHER_SUB[:6], {VILLAGE_OTHER_SUB}),
    (Role.AUDITOR, "1902", {VILLAGE_OTHER_DISTRICT}),
])
def test_list_and_export_stay_in_scope(client, make_user, lists, role, region, sees):
    client.force_login(make_user(role, region))
    expected = {lists[k].pk for k in sees}
    assert shown(client.get(LIST)) == expected
    allowed = {lists[k].region_id for k in sees}
    for village in (VILLAGE_IN, VILLAGE_OTHER_SUB, VILLAGE_OTHER_DISTRICT):
        assert shown(client.get(LIST, {"village": village})) <= expected
        exported = client.post(EXPORT + f"&village={village}", {"reason": "Pemeriksaan wilayah"})
        assert {r[0] for r in list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]} <= allowed
