"""The registrations list (issue 16.2): search, filters, 50-row pages, XLSX export with a logged reason, scope."""

import datetime as dt
import io

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.urls import reverse
from openpyxl import load_workbook

from mutakhir.accounts.models import Role
from mutakhir.core.models import PersonalDataAccess
from mutakhir.registration.models import Musdes, Registration, RegistrationMember

pytestmark = pytest.mark.django_db

LIST = reverse("registration:list")
EXPORT = LIST + "?export=xlsx"
HEAD_NIK = "1901010105800001"


def register(period, user, village, number, *, head="Budi Santoso", channel="aktif", status="submitted",
             source_key=""):
    reg = Registration.objects.create(number=number, update_period=period, region_id=village, channel=channel,
                                      status=status, entered_by=user, source_key=source_key)
    RegistrationMember.objects.create(registration=reg, name=head, relation=1, nik=HEAD_NIK, kk="1901011503200003")
    RegistrationMember.objects.create(registration=reg, name="Anak " + head, relation=3)
    return reg


@pytest.fixture
def rows(period, make_user):
    """Three registrations in Bangka (two villages) and one in Belitung."""
    clerk = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    return {
        "in": register(period, clerk, VILLAGE_IN, "R-IN-1", head="Budi Santoso", source_key="HH-77"),
        "in_pasif": register(period, clerk, VILLAGE_IN, "R-IN-2", head="Siti Aminah", channel="pasif",
                             status="verified"),
        "sub": register(period, clerk, VILLAGE_OTHER_SUB, "R-SUB-1", head="Joko Widodo"),
        "out": register(period, clerk, VILLAGE_OTHER_DISTRICT, "R-OUT-1", head="Budi Lain"),
    }


def numbers(response) -> set[str]:
    return {r.number for r in response.context["page"].object_list}


@pytest.fixture
def operator(client, make_user):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    return client


def test_it_searches_by_number_household_id_and_head_name(operator, rows):
    assert numbers(operator.get(LIST, {"q": "r-in-1"})) == {"R-IN-1"}
    assert numbers(operator.get(LIST, {"q": "HH-77"})) == {"R-IN-1"}
    assert numbers(operator.get(LIST, {"q": "budi"})) == {"R-IN-1"}  # Budi Lain is in Belitung
    assert numbers(operator.get(LIST, {"q": "anak"})) == set()  # only the head's name is searched


def test_a_nik_in_the_address_bar_is_refused(operator, rows):
    response = operator.get(LIST, {"q": HEAD_NIK})
    assert numbers(response) == set()
    assert "not searched from a list" in response.text


@pytest.mark.parametrize(("params", "expected"), [
    ({"village": VILLAGE_IN}, {"R-IN-1", "R-IN-2"}),
    ({"village": VILLAGE_OTHER_SUB}, {"R-SUB-1"}),
    ({"status": "verified"}, {"R-IN-2"}),
    ({"channel": "pasif"}, {"R-IN-2"}),
    ({"channel": "aktif", "village": VILLAGE_IN}, {"R-IN-1"}),
    ({}, {"R-IN-1", "R-IN-2", "R-SUB-1"}),
])
def test_each_filter_narrows(operator, rows, params, expected):
    assert numbers(operator.get(LIST, params)) == expected


def test_a_village_outside_the_scope_or_a_bad_choice_is_refused(operator, rows):
    response = operator.get(LIST, {"village": VILLAGE_OTHER_DISTRICT})
    assert numbers(response) == set() and "not in your area" in response.text
    assert numbers(operator.get(LIST, {"status": "nonsense"})) == set()


def test_pages_of_fifty_keep_the_filters_without_n_plus_one(operator, period, make_user,
                                                             django_assert_max_num_queries):
    clerk = make_user(Role.REGISTRAR, VILLAGE_IN)
    for i in range(120):
        register(period, clerk, VILLAGE_IN, f"R-{i:04d}")
    with django_assert_max_num_queries(25):
        first = operator.get(LIST, {"village": VILLAGE_IN})
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.count == 120
    assert f"village={VILLAGE_IN}&amp;page=2" in first.text
    last = operator.get(LIST, {"village": VILLAGE_IN, "page": 3})
    assert len(last.context["page"].object_list) == 20


def test_export_asks_a_reason_logs_it_and_masks_identity_numbers(operator, rows):
    asked = operator.get(EXPORT + f"&village={VILLAGE_IN}")
    assert asked.status_code == 200 and "Reason for the download" in asked.text
    refused = operator.post(EXPORT + f"&village={VILLAGE_IN}", {"reason": ""})
    assert refused.status_code == 400 and not PersonalDataAccess.objects.exists()
    response = operator.post(EXPORT + f"&village={VILLAGE_IN}", {"reason": "Rekap untuk rapat desa"})
    assert response["Content-Disposition"].startswith('attachment; filename="pendaftaran-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert {row[0] for row in values[1:]} == {"R-IN-1", "R-IN-2"}
    assert HEAD_NIK not in str(values) and "1901********0001" in str(values)
    logged = PersonalDataAccess.objects.get()
    assert logged.action == "export" and logged.reason == "Rekap untuk rapat desa"
    assert logged.object_type == "registration" and VILLAGE_IN in logged.fields


@pytest.mark.parametrize(("role", "region", "sees"), [
    (Role.REGISTRAR, VILLAGE_IN, {"R-IN-1", "R-IN-2"}),
    (Role.PSM, VILLAGE_OTHER_SUB, {"R-SUB-1"}),
    (Role.TKSK, VILLAGE_IN[:6], {"R-IN-1", "R-IN-2"}),
    (Role.DISTRICT_OPERATOR, BANGKA, {"R-IN-1", "R-IN-2", "R-SUB-1"}),
    (Role.DISTRICT_HEAD, "1902", {"R-OUT-1"}),
    (Role.NATIONAL, None, {"R-IN-1", "R-IN-2", "R-SUB-1", "R-OUT-1"}),
])
def test_list_filters_and_export_stay_in_scope(client, make_user, rows, role, region, sees):
    client.force_login(make_user(role, region))
    assert numbers(client.get(LIST)) == sees
    for village in (VILLAGE_IN, VILLAGE_OTHER_SUB, VILLAGE_OTHER_DISTRICT):
        assert numbers(client.get(LIST, {"village": village})) <= sees
        assert numbers(client.get(LIST, {"q": "budi", "village": village})) <= sees
    exported = client.post(EXPORT + f"&village={VILLAGE_OTHER_DISTRICT}", {"reason": "Pemeriksaan wilayah"})
    got = {row[0] for row in list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]}
    assert got <= sees and got == (sees & {"R-OUT-1"})


def test_a_program_manager_gets_neither_list_nor_export(client, make_user, rows):
    client.force_login(make_user(Role.PROGRAM_MANAGER, None))
    assert client.get(LIST).status_code == 403
    assert client.post(EXPORT, {"reason": "Ingin melihat semua"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


MUSDES = reverse("registration:musdes_list")
MUSDES_EXPORT = MUSDES + "?export=xlsx"


@pytest.fixture
def meetings(period, make_user, rows):
    clerk = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    made = {key: Musdes.objects.create(region_id=village, update_period=period, held_on=dt.date(2025, 3, day),
                                       attendance=40 + day, entered_by=clerk)
            for key, village, day in (("in", VILLAGE_IN, 1), ("sub", VILLAGE_OTHER_SUB, 2),
                                      ("out", VILLAGE_OTHER_DISTRICT, 3))}
    Registration.objects.filter(number="R-IN-1").update(musdes=made["in"])
    return made


def meeting_ids(response) -> set[int]:
    return {m.pk for m in response.context["page"].object_list}


def test_musdes_list_searches_filters_pages_and_exports(operator, meetings, period, make_user,
                                                         django_assert_max_num_queries):
    assert meeting_ids(operator.get(MUSDES)) == {meetings["in"].pk, meetings["sub"].pk}
    assert meeting_ids(operator.get(MUSDES, {"village": VILLAGE_OTHER_SUB})) == {meetings["sub"].pk}
    assert meeting_ids(operator.get(MUSDES, {"q": "r-in-1"})) == {meetings["in"].pk}
    assert meeting_ids(operator.get(MUSDES, {"village": VILLAGE_OTHER_DISTRICT})) == set()
    clerk = make_user(Role.REGISTRAR, VILLAGE_IN)
    for day in range(1, 61):
        Musdes.objects.create(region_id=VILLAGE_IN, update_period=period, held_on=dt.date(2025, 5, day % 28 + 1),
                              attendance=10, entered_by=clerk)
    with django_assert_max_num_queries(12):
        page = operator.get(MUSDES, {"village": VILLAGE_IN})
    assert len(meeting_ids(page)) == 50 and len(meeting_ids(operator.get(MUSDES, {"village": VILLAGE_IN,
                                                                                 "page": 2}))) == 11
    assert operator.post(MUSDES_EXPORT, {"reason": ""}).status_code == 400
    response = operator.post(MUSDES_EXPORT + f"&village={VILLAGE_OTHER_SUB}", {"reason": "Rekap musdes"})
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[1] for r in values[1:]] == [VILLAGE_OTHER_SUB]
    assert PersonalDataAccess.objects.get().reason == "Rekap musdes"


@pytest.mark.parametrize(("role", "region", "sees"), [
    (Role.REGISTRAR, VILLAGE_IN, {"in"}),
    (Role.DISTRICT_HEAD, "1902", {"out"}),
    (Role.NATIONAL, None, {"in", "sub", "out"}),
])
def test_musdes_list_and_export_stay_in_scope(client, make_user, meetings, role, region, sees):
    client.force_login(make_user(role, region))
    expected = {meetings[k].pk for k in sees}
    assert meeting_ids(client.get(MUSDES)) == expected
    for village in (VILLAGE_IN, VILLAGE_OTHER_SUB, VILLAGE_OTHER_DISTRICT):
        assert meeting_ids(client.get(MUSDES, {"village": village})) <= expected
        exported = client.post(MUSDES_EXPORT + f"&village={village}", {"reason": "Pemeriksaan wilayah"})
        got = {r[1] for r in list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]}
        assert got <= {meetings[k].region_id for k in sees}
