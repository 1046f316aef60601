"""Services: filing, assignment in scope, the review flow, SLA, and sending a household to re-verification."""

import datetime as dt
import re

import pytest
from conftest import VILLAGE_IN, VILLAGE_OTHER_DISTRICT, VILLAGE_OTHER_SUB
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mutakhir.accounts.models import Role
from mutakhir.complaints import services
from mutakhir.complaints.flows import TransitionError
from mutakhir.complaints.models import Complaint, Status
from mutakhir.registration.models import Channel, Registration
from mutakhir.registry.models import UpdatePeriod

pytestmark = pytest.mark.django_db
HEAD_NIK, WIFE_NIK, KK = "1901010105800001", "1901014506820002", "1901011503200003"  # valid, Sungailiat


def test_filing_gives_a_ticket_a_follow_code_and_a_due_date(file, settings):
    settings.COMPLAINT_SLA_DAYS = 10
    complaint, code = file()
    second, _ = file()
    year = timezone.localdate().year
    assert complaint.ticket == f"ADU-1901-{year}-000001" and second.ticket.endswith("000002")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) and code not in complaint.follow_hash
    assert services.follow_matches(complaint, complaint.ticket, code.lower().replace("-", ""))
    assert not services.follow_matches(complaint, complaint.ticket, "AAAA-AAAA")
    assert complaint.due_on == timezone.localdate() + dt.timedelta(days=10)
    assert complaint.status == Status.NEW and complaint.history.count() == 1


def test_the_whole_flow_with_history(file, operator, make_user):
    complaint, _ = file()
    registrar = make_user(Role.REGISTRAR, VILLAGE_IN)
    complaint = services.do_assign(operator, complaint, registrar)
    assert complaint.status == Status.ASSIGNED and complaint.assigned_to == registrar
    complaint = services.do_start_review(registrar, complaint)
    with pytest.raises(services.ComplaintError):
        services.do_answer(registrar, complaint, "   ")
    complaint = services.do_answer(registrar, complaint, "Sudah dicek: data diperbaiki.")
    assert complaint.status == Status.ANSWERED and complaint.answered_at
    complaint = services.do_reopen(operator, complaint)
    assert complaint.status == Status.IN_REVIEW
    complaint = services.do_answer(operator, complaint, "Jawaban kedua.")
    complaint = services.do_close(operator, complaint)
    assert complaint.status == Status.CLOSED
    with pytest.raises(TransitionError):
        services.do_reopen(operator, complaint)
    users = {h.history_user for h in complaint.history.all()}
    assert users == {None, operator, registrar} and complaint.history.count() == 7


def test_forbidden_transitions_raise(file, operator):
    complaint, _ = file()
    with pytest.raises(TransitionError):
        services.do_start_review(operator, complaint)
    with pytest.raises(TransitionError):
        services.do_close(operator, complaint)


def test_assignment_needs_an_operator_and_a_handler_covering_the_village(file, operator, make_user):
    complaint, _ = file()
    registrar = make_user(Role.REGISTRAR, VILLAGE_IN)
    with pytest.raises(PermissionDenied):
        services.do_assign(registrar, complaint, registrar)
    for outsider in (make_user(Role.REGISTRAR, VILLAGE_OTHER_SUB), make_user(Role.AUDITOR, "1901"),
                     make_user(Role.PSM, VILLAGE_IN)):
        with pytest.raises(services.ComplaintError):
            services.do_assign(operator, complaint, outsider)
    services.do_assign(operator, complaint, make_user(Role.TKSK, "190101"))


def test_only_the_assignee_or_an_operator_in_scope_handles_it(file, operator, make_user):
    complaint, _ = file()
    assignee, other = make_user(Role.REGISTRAR, VILLAGE_IN), make_user(Role.TKSK, "190101")
    complaint = services.do_assign(operator, complaint, assignee)
    with pytest.raises(PermissionDenied):
        services.do_start_review(other, complaint)
    with pytest.raises(PermissionDenied):
        services.do_start_review(make_user(Role.DISTRICT_OPERATOR, "1902"), complaint)
    with pytest.raises(PermissionDenied):
        services.do_start_review(make_user(Role.AUDITOR, "1901"), complaint)
    services.do_start_review(assignee, complaint)


def test_overdue_means_open_past_the_due_date(file):
    late, _ = file()
    Complaint.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    file()
    late.refresh_from_db()
    assert late.is_overdue and list(Complaint.objects.overdue()) == [late]
    Complaint.objects.filter(pk=late.pk).update(status=Status.ANSWERED)
    assert not Complaint.objects.overdue().exists()


@pytest.fixture
def valid_household(make_household):
    """Return a household in VILLAGE_IN whose members have valid NIK and KK numbers (the registration checks)."""
    def make(**fields):
        household = make_household(VILLAGE_IN, **fields)
        for member, nik, sex, born in zip(household.members.order_by("relation"), (HEAD_NIK, WIFE_NIK), (1, 2),
                                          (dt.date(1980, 5, 1), dt.date(1982, 6, 5)), strict=True):
            member.nik, member.kk, member.sex, member.birth_date = nik, KK, sex, born
            member.save()
        return household
    return make


@pytest.fixture
def working(file, operator):
    complaint, _ = file()
    return services.do_assign(operator, complaint, operator)


def test_it_sends_a_household_to_reverification(working, operator, valid_household):
    household = valid_household(address="Jl. Mawar 1")
    complaint = services.do_send_to_reverification(operator, working, household)
    registration = Registration.objects.get()
    assert complaint.household == household and complaint.registration == registration
    assert registration.channel == Channel.COMPLAINT and registration.region_id == VILLAGE_IN
    assert registration.members.count() == 2 and complaint.ticket in registration.reason_proposed
    with pytest.raises(services.ComplaintError, match="already sent"):
        services.do_send_to_reverification(operator, complaint, household)


def test_reverification_explains_why_it_is_not_possible(file, working, operator, make_household, valid_household):
    new, _ = file()
    with pytest.raises(services.ComplaintError, match="Assign the complaint"):
        services.do_send_to_reverification(operator, new, make_household())
    with pytest.raises(services.ComplaintError, match="outside the complaint's district"):
        services.do_send_to_reverification(operator, working, make_household(VILLAGE_OTHER_DISTRICT))
    with pytest.raises(services.ComplaintError, match="Unknown household"):
        services.do_send_to_reverification(operator, working, None)
    with pytest.raises(services.ComplaintError, match="members.0.nik"):
        services.do_send_to_reverification(operator, working, make_household())
    UpdatePeriod.objects.update(status=UpdatePeriod.Status.CLOSED)
    with pytest.raises(services.ComplaintError, match="no open update period"):
        services.do_send_to_reverification(operator, working, valid_household())
    assert not Registration.objects.exists() and Complaint.objects.get(pk=working.pk).household is None


def test_reverification_refers_to_an_existing_registration(working, file, operator, valid_household):
    household = valid_household(address="Jl. Mawar 1")
    services.do_send_to_reverification(operator, working, household)
    other, _ = file()
    other = services.do_assign(operator, other, operator)
    with pytest.raises(services.ComplaintError, match=Registration.objects.get().number):
        services.do_send_to_reverification(operator, other, household)


def test_reverification_does_not_name_a_registration_outside_the_handlers_area(client, file, operator, make_user,
                                                                               valid_household):
    """Issue 17.1 through the complaint page: the duplicate guard names no registration outside a TKSK's area."""
    from django.urls import reverse
    from registration.conftest import payload

    from mutakhir.core.models import PersonalDataAccess
    from mutakhir.registration.services import check_registration, do_create_registration

    away = make_user(Role.REGISTRAR, VILLAGE_OTHER_SUB)  # another sub-district of the district
    elsewhere = do_create_registration(away, check_registration(away, payload(region_code=VILLAGE_OTHER_SUB),
                                                                channel="aktif"))
    tksk = make_user(Role.TKSK, VILLAGE_IN[:6])
    complaint, _ = file()
    services.do_assign(operator, complaint, tksk)
    household = valid_household(address="Jl. Mawar 1")
    client.force_login(tksk)
    page = client.post(reverse("complaints:act", args=[complaint.ticket, "reverify"]),
                       {"household_id": household.household_id}, follow=True).text
    assert elsewhere.number not in page and "outside your area" in page
    logged = PersonalDataAccess.objects.get(fields="duplicate-guard:outside-scope")
    assert (logged.user, logged.object_id) == (tksk, str(elsewhere.pk))
