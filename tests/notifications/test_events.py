"""What citizens are told: complaint events, registration stages (by the sweep), never a NIK; opting out."""

import datetime as dt

import pytest
from conftest import BANGKA, VILLAGE_IN
from django.urls import reverse
from verification.fixtures import make_entry, make_prelist

from mutakhir.accounts.models import Role
from mutakhir.complaints.services import do_answer, do_assign, do_close, do_file_complaint, do_start_review
from mutakhir.notifications.delivery import deliver_due
from mutakhir.notifications.models import Contact, Message, OptOut
from mutakhir.notifications.sweep import sweep_overdue, sweep_stages
from mutakhir.regions.models import Region

NIK = "1901010105800001"


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA)


def file(**fields):
    return do_file_complaint(region=Region.objects.get(code=VILLAGE_IN), kind="objection", text="Punya mobil.",
                             complainant_phone="0812 3456 7890", complainant_nik=NIK, **fields)[0]


def bodies():
    return list(Message.objects.order_by("pk").values_list("event", "body"))


def test_a_complaint_is_told_when_received_answered_closed_and_late(sending, operator):
    complaint = file()
    do_assign(operator, complaint, operator)
    do_start_review(operator, complaint)
    do_answer(operator, complaint, "Sudah diperiksa.")
    do_close(operator, complaint)
    assert [e for e, _ in bodies()] == ["complaint_received", "complaint_answered", "complaint_closed"]
    received = bodies()[0][1]
    assert received.startswith(f"Pengaduan {complaint.ticket} diterima")  # Indonesian, whatever the page's language
    assert "/publik/tiket/" in received and f"/publik/berhenti/?ref={complaint.ticket}" in received
    assert all(NIK not in body for _, body in bodies())

    late = file()
    assert sweep_overdue(late.due_on + dt.timedelta(days=1)) == 1
    assert sweep_overdue(late.due_on + dt.timedelta(days=2)) == 1  # noticed again, stored once
    assert Message.objects.filter(event="complaint_overdue").count() == 1


def test_no_phone_or_a_district_that_does_not_send_means_no_message(sending):
    do_file_complaint(region=Region.objects.get(code=VILLAGE_IN), kind="other", text="Tanpa nomor.")
    sending.enabled = False
    sending.save()
    file()
    assert not Message.objects.exists()


def test_the_sweep_tells_a_registrant_each_new_stage_once(sending, operator, make_user):
    entry = make_entry(make_prelist(VILLAGE_IN, operator))
    registration = entry.registration
    Contact.objects.create(registration=registration, phone="+62 812-1111-2222", email="warga@example.org")
    assert sweep_stages() == 1
    assert sweep_stages() == 0  # nothing changed since
    messages = Message.objects.order_by("channel")
    assert [(m.channel, m.recipient, m.event) for m in messages] == [
        ("email", "warga@example.org", "stage_on_prelist"), ("sms", "6281211112222", "stage_on_prelist")]
    body = messages[0].body
    assert body.startswith(f"Pendaftaran MPM {registration.number}:") and "/publik/cek-status/" in body
    assert "1901010201750001" not in body  # the head's NIK (make_entry) is never said

    from verification.fixtures import accept
    accept(entry, make_user(Role.PSM, VILLAGE_IN), make_user(Role.TKSK, VILLAGE_IN[:6]))
    assert sweep_stages() == 1
    assert Message.objects.filter(event="stage_verified").count() == 2


def test_a_citizen_stops_the_messages_and_the_outbox_skips_them(client, sending, gateway):
    server = gateway()
    complaint = file()
    pending = Message.objects.get()
    form = client.get(reverse("publik:stop"), {"ref": complaint.ticket}).text  # the message's link
    assert f'value="{complaint.ticket}"' in form
    response = client.post(reverse("publik:stop"), {"reference": complaint.ticket.lower(),
                                                    "recipient": "+62 812-3456-7890"})
    assert response.status_code == 200 and "no more messages" in response.text
    assert OptOut.objects.get().recipient == "6281234567890"
    pending.refresh_from_db()
    assert pending.state == Message.State.SKIPPED and pending.last_error == "opted out"
    do_answer_later = file()  # a new event to the same phone: stored as not sent, and never sent
    assert Message.objects.get(reference=do_answer_later.ticket).state == Message.State.SKIPPED
    deliver_due()
    assert server.calls == []


def test_stopping_with_a_wrong_pair_says_the_same_and_stops_nothing(client, sending):
    complaint = file()
    response = client.post(reverse("publik:stop"), {"reference": complaint.ticket, "recipient": "081299998888"})
    assert response.status_code == 200 and "no more messages" in response.text
    assert not OptOut.objects.exists()
    assert Message.objects.get().state == Message.State.PENDING
