"""Staff pages: the queue's filters, masking and SLA column; actions on the detail page with their messages."""

import datetime as dt

import pytest
from conftest import BANGKA, VILLAGE_IN
from django.urls import reverse
from django.utils import timezone

from mutakhir.accounts.models import Role
from mutakhir.complaints.models import Complaint
from mutakhir.core.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, operator):
    client.force_login(operator)
    return client


def test_the_queue_masks_names_and_filters(staff, file):
    named, _ = file(kind="registration", complainant_name="Siti Aminah", complainant_phone="0812345678")
    late, _ = file()
    Complaint.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    page = staff.get(reverse("complaints:queue")).text
    assert "S*** A*****" in page and "Siti" not in page and "0812345678" not in page and "overdue" in page
    overdue = staff.get(reverse("complaints:queue"), {"overdue": "on"}).text
    assert late.ticket in overdue and named.ticket not in overdue
    by_kind = staff.get(reverse("complaints:queue"), {"category": "registration"}).text
    assert named.ticket in by_kind and late.ticket not in by_kind
    assert named.ticket not in staff.get(reverse("complaints:queue"), {"status": "closed"}).text


def test_the_detail_shows_contact_and_logs_the_view(staff, file, operator):
    complaint, _ = file(complainant_name="Siti Aminah", complainant_phone="0812345678")
    assert "0812345678" in staff.get(reverse("complaints:detail", args=[complaint.ticket])).text
    assert PersonalDataAccess.objects.get().user == operator


def test_the_detail_masks_the_complainants_nik(staff, file):
    complaint, _ = file(kind="registration", complainant_name="Siti Aminah", complainant_nik="1901014506820002")
    page = staff.get(reverse("complaints:detail", args=[complaint.ticket])).text
    assert "1901014506820002" not in page and "1901********0002" in page


def test_the_full_nik_is_shown_for_a_logged_reason_only(staff, file, operator, make_user):
    complaint, _ = file(kind="registration", complainant_name="Siti Aminah", complainant_nik="1901014506820002")
    url = reverse("complaints:reveal_nik", args=[complaint.ticket])
    assert url in staff.get(reverse("complaints:detail", args=[complaint.ticket])).text
    assert staff.get(url).status_code == 405
    no_reason = staff.post(url, {"field": "nik", "reason": ""})
    assert no_reason.status_code == 400 and "1901014506820002" not in no_reason.text
    shown = staff.post(url, {"field": "nik", "reason": "menghubungi pelapor"})
    assert "1901014506820002" in shown.text
    logged = PersonalDataAccess.objects.get(action="reveal")
    assert (logged.user, logged.fields, logged.reason) == (operator, "complainant_nik", "menghubungi pelapor")
    staff.force_login(make_user(Role.PROGRAM_MANAGER, None))
    assert staff.post(url, {"field": "nik", "reason": "menghubungi pelapor"}).status_code in (403, 404)


def test_an_operator_works_a_complaint_through_the_pages(staff, file, operator, make_user):
    complaint, _ = file()
    registrar = make_user(Role.REGISTRAR, VILLAGE_IN)

    def act(action, **data):
        return staff.post(reverse("complaints:act", args=[complaint.ticket, action]), data, follow=True)
    assert "Assigned to" in act("assign", assignee=registrar.pk).text
    assert "cannot become" in act("close").text
    act("assign", assignee=operator.pk)
    assert "Review started" in act("review").text
    assert "This field is required" in act("answer", answer="").text
    answered = act("answer", answer="Sudah diverifikasi ulang.")
    assert "The answer is recorded" in answered.text and "Sudah diverifikasi ulang." in answered.text
    assert "Complaint closed" in act("close").text
    assert Complaint.objects.get().status == "closed"


def test_reverification_from_the_page_reports_problems(staff, file, operator, make_user):
    complaint, _ = file()
    staff.post(reverse("complaints:act", args=[complaint.ticket, "assign"]), {"assignee": operator.pk})
    response = staff.post(reverse("complaints:act", args=[complaint.ticket, "reverify"]),
                          {"household_id": "NOPE"}, follow=True)
    assert "Unknown household ID" in response.text


def test_a_district_operator_sees_only_their_district(staff, file, make_user):
    inside, _ = file()
    outside, _ = file("1902012003")
    page = staff.get(reverse("complaints:queue")).text
    assert inside.ticket in page and outside.ticket not in page
    other = make_user(Role.DISTRICT_OPERATOR, BANGKA)
    staff.force_login(other)
    assert staff.get(reverse("complaints:detail", args=[outside.ticket])).status_code == 404


def test_the_home_page_shows_the_complaint_card(staff, file):
    file()
    assert "1 open in your area, 0 past the answer deadline." in staff.get(reverse("home")).text
