"""The outbox against real servers on loopback: retries with backoff, nothing lost, nothing sent twice."""

import datetime as dt

import pytest
from conftest import VILLAGE_IN
from django.utils import timezone

from mutakhir.notifications import delivery
from mutakhir.notifications.delivery import deliver, deliver_due, recover_stale
from mutakhir.notifications.models import Message, OptOut
from mutakhir.notifications.outbox import queue
from mutakhir.notifications.sweep import run_once

from .conftest import smtp_mailer

State = Message.State


def put(event_key="registration:1:on_prelist", phone="0812-3456-7890", email=""):
    return queue(event_key=event_key, event="stage_on_prelist", reference="REG-1901-2025-000001",
                 region_code=VILLAGE_IN, body="MPM REG-1901-2025-000001: ada di prelist desa.", phone=phone,
                 email=email)


def test_a_gateway_failing_twice_is_retried_with_backoff_and_the_message_sent_once(sending, gateway):
    server = gateway(fail_first=2)
    [message] = put()
    start = message.next_attempt_at
    assert deliver(message.pk, start) == State.PENDING
    message.refresh_from_db()
    assert message.attempts == 1 and message.last_error == "gateway HTTP 503"
    assert message.next_attempt_at == start + dt.timedelta(seconds=30)
    assert deliver_due(start + dt.timedelta(seconds=29)) == 0  # not due yet: the gateway is not called
    assert len(server.calls) == 1
    assert deliver_due(start + dt.timedelta(seconds=31)) == 0
    message.refresh_from_db()
    assert message.next_attempt_at == start + dt.timedelta(seconds=31 + 60)  # doubled
    assert deliver_due(start + dt.timedelta(seconds=92)) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (State.SENT, 3, "")
    assert len(server.calls) == 3 and len(server.delivered) == 1
    call = server.calls[-1]
    assert call["body"] == {"channel": "sms", "to": "6281234567890", "text": message.body,
                            "reference": call["key"]}
    assert call["auth"] == "Bearer rahasia-gateway"
    assert deliver_due(start + dt.timedelta(hours=1)) == 0 and len(server.calls) == 3  # sent is never sent again


def test_the_same_event_noticed_twice_is_stored_and_sent_once(sending, gateway):
    server = gateway()
    assert len(put()) == 1
    assert put() == []  # the sweep runs again, another worker notices it too
    assert Message.objects.count() == 1
    deliver_due()
    deliver_due()
    assert len(server.calls) == 1


def test_a_refusal_fails_at_once_and_a_lasting_outage_after_the_last_attempt(sending, gateway):
    gateway(fail_first=100, fail_status=400)
    [refused] = put()
    assert deliver(refused.pk) == State.FAILED
    refused.refresh_from_db()
    assert refused.attempts == 1 and refused.last_error == "gateway HTTP 400"

    gateway(fail_first=100)
    [message] = put(event_key="registration:2:on_prelist")
    now = message.next_attempt_at
    for _ in range(delivery.MAX_ATTEMPTS):
        deliver_due(now)
        now += dt.timedelta(hours=2)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, delivery.MAX_ATTEMPTS)


def test_a_worker_dying_between_send_and_mark_sends_again_and_the_gateway_delivers_once(sending, gateway,
                                                                                       monkeypatch):
    """At least once: the row left "sending" is sent again after STALE_SENDING with the same idempotency key."""
    server = gateway()
    [message] = put()
    real_update = Message.objects.filter(pk=message.pk).update

    class Crash(Exception):
        pass

    def crash_on_mark(**fields):
        if fields.get("state") == State.SENT:
            raise Crash  # the process dies after the gateway took the message, before the row says so
        return real_update(**fields)

    original_filter = Message.objects.filter

    def filter_(*args, **kwargs):
        queryset = original_filter(*args, **kwargs)
        if kwargs.get("state") == State.SENDING and "pk" in kwargs:
            queryset.update = crash_on_mark
        return queryset

    monkeypatch.setattr(Message.objects, "filter", filter_)
    with pytest.raises(Crash):
        deliver(message.pk)
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.state == State.SENDING and len(server.calls) == 1

    assert recover_stale(message.claimed_at + dt.timedelta(minutes=5)) == 0  # maybe still sending: left alone
    later = message.claimed_at + delivery.STALE_SENDING + dt.timedelta(seconds=1)
    assert recover_stale(later) == 1
    assert deliver_due(later) == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2
    assert len(server.calls) == 2 and server.calls[0]["key"] == server.calls[1]["key"]
    assert len(server.delivered) == 1  # the citizen's phone got it once


def test_e_mail_goes_through_a_real_smtp_server(sending, smtp):
    [message] = put(phone="", email="Warga@Example.org")
    assert message.channel == "email" and message.recipient == "warga@example.org"
    assert deliver(message.pk) == State.SENT
    [received] = smtp.messages
    assert received.rcpt_tos == ["warga@example.org"]
    text = received.content.decode()
    assert "REG-1901-2025-000001" in text and "Subject: Mutakhir: REG-1901-2025-000001" in text


def test_e_mail_to_a_server_that_is_down_is_retried(sending, settings):
    settings.MAILERS = smtp_mailer(9)  # the discard port: nothing listens
    [message] = put(phone="", email="warga@example.org")
    assert deliver(message.pk) == State.PENDING
    message.refresh_from_db()
    assert message.last_error.startswith("e-mail:")


def test_a_district_that_does_not_send_stores_nothing(sending, gateway):
    sending.enabled = False
    sending.save()
    assert put() == [] and not Message.objects.exists()


def test_a_row_queued_before_the_opt_out_is_not_sent(sending, gateway):
    server = gateway()
    [message] = put()
    OptOut.objects.create(recipient="6281234567890", reference="REG-1901-2025-000001")
    assert deliver(message.pk) == State.SKIPPED
    assert server.calls == []


def test_one_round_of_the_sweep_puts_back_a_dead_workers_row_and_sends_what_is_due(sending, gateway):
    server = gateway()
    [stale], _due = put(), put(event_key="registration:2:on_prelist")
    Message.objects.filter(pk=stale.pk).update(state=State.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert run_once(stages=False) == 2
    assert len(server.delivered) == 2
    assert set(Message.objects.values_list("state", flat=True)) == {State.SENT}
