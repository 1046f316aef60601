"""The complaint queue as a list that scales (issue 16.2): search, filters, pages, XLSX export, scope."""

import io

import pytest
from conftest import BANGKA, VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.urls import reverse
from openpyxl import load_workbook

from mutakhir.accounts.models import Role
from mutakhir.complaints.models import Complaint
from mutakhir.core.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

QUEUE = reverse("complaints:queue")
EXPORT = QUEUE + "?export=xlsx"
NIK = "1901010105800001"


@pytest.fixture
def filed(file):
    """Complaints in two Bangka villages and one in Belitung."""
    return {
        "in": file(subject_name="Pak Kaya", complainant_name="Siti Aminah", complainant_nik=NIK)[0],
        "in_reg": file(kind="registration", subject_name="Bu Miskin")[0],
        "sub": file(VILLAGE_OTHER_SUB, subject_name="Pak Jauh")[0],
        "out": file(VILLAGE_OTHER_DISTRICT, subject_name="Pak Kaya Lain")[0],
    }


def tickets(response) -> set[str]:
    return {c.ticket for c in response.context["page"].object_list}


@pytest.fixture
def staff(client, operator):
    client.force_login(operator)
    return client


def test_it_searches_by_ticket_and_name_and_refuses_a_nik(staff, filed):
    assert tickets(staff.get(QUEUE, {"q": filed["in"].ticket.lower()})) == {filed["in"].ticket}
    assert tickets(staff.get(QUEUE, {"q": "pak kaya"})) == {filed["in"].ticket}  # the Belitung one is out of scope
    refused = staff.get(QUEUE, {"q": NIK})
    assert tickets(refused) == set() and "not searched from a list" in refused.text


def test_village_category_and_status_filters(staff, filed):
    assert tickets(staff.get(QUEUE, {"village": VILLAGE_OTHER_SUB})) == {filed["sub"].ticket}
    assert tickets(staff.get(QUEUE, {"category": "registration"})) == {filed["in_reg"].ticket}
    Complaint.objects.filter(pk=filed["in"].pk).update(status="closed")
    assert filed["in"].ticket not in tickets(staff.get(QUEUE))  # open ones by default
    assert tickets(staff.get(QUEUE, {"status": "closed"})) == {filed["in"].ticket}
    assert len(tickets(staff.get(QUEUE, {"status": "all"}))) == 3
    assert tickets(staff.get(QUEUE, {"village": VILLAGE_OTHER_DISTRICT})) == set()


def test_pages_of_fifty_without_n_plus_one(staff, file, django_assert_max_num_queries):
    for i in range(60):
        file(subject_name=f"Warga {i}")
    with django_assert_max_num_queries(15):
        first = staff.get(QUEUE, {"village": VILLAGE_IN})
    assert len(tickets(first)) == 50 and f"village={VILLAGE_IN}&amp;page=2" in first.text
    assert len(tickets(staff.get(QUEUE, {"village": VILLAGE_IN, "page": 2}))) == 10


def test_export_asks_a_reason_logs_it_and_masks(staff, filed):
    assert "Reason for the download" in staff.get(EXPORT).text
    assert staff.post(EXPORT, {"reason": ""}).status_code == 400 and not PersonalDataAccess.objects.exists()
    response = staff.post(EXPORT + f"&village={VILLAGE_IN}", {"reason": "Laporan SLA bulanan"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert {r[0] for r in rows[1:]} == {filed["in"].ticket, filed["in_reg"].ticket}
    assert NIK not in str(rows) and "Siti" not in str(rows) and "1901********0001" in str(rows)
    logged = PersonalDataAccess.objects.get()
    assert (logged.object_type, logged.reason) == ("complaint", "Laporan SLA bulanan") and VILLAGE_IN in logged.fields


@pytest.mark.parametrize(("role", "region", "sees"), [
    (Role.DISTRICT_OPERATOR, BANGKA, {"in", "in_reg", "sub"}),
    (Role.DISTRICT_HEAD, "1902", {"out"}),
    (Role.NATIONAL, None, {"in", "in_reg", "sub", "out"}),
])
def test_queue_filters_and_export_stay_in_scope(client, make_user, filed, role, region, sees):
    client.force_login(make_user(role, region))
    expected = {filed[k].ticket for k in sees}
    assert tickets(client.get(QUEUE)) == expected
    for village in (VILLAGE_IN, VILLAGE_OTHER_SUB, VILLAGE_OTHER_DISTRICT):
        assert tickets(client.get(QUEUE, {"village": village, "q": "pak"})) <= expected
        exported = client.post(EXPORT + f"&village={village}", {"reason": "Pemeriksaan wilayah"})
        assert {r[0] for r in list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]} <= expected
