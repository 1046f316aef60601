"""Sending the outbox: claim a row, send it, mark it; retries with exponential backoff.

Claiming is one UPDATE (pending and due -> sending, attempts + 1), so two workers never send the same row.
A failure that may pass (gateway 5xx, timeout, SMTP down) puts the row back with its next attempt
BACKOFF_SECONDS * 2**(attempts - 1) later (30 s, 1, 2, 4, 8 min), until MAX_ATTEMPTS; then it is failed,
with the reason on the operator's outbox page. A refusal (gateway 4xx) fails at once.

Crash between send and mark: the row stays "sending". After STALE_SENDING the sweep puts it back to
pending and it is sent again: delivery is AT LEAST ONCE. We chose that over at-most-once because a lost
"your complaint was answered" is worse than a repeated one, and because every send carries an idempotency
key derived from the row's unique key (channels.py): a gateway that honours it (the JSON adapter sends it
as `Idempotency-Key` and `reference`) delivers the repeat once. E-mail has no such guarantee; its repeat
carries the same Message-ID, which most mail stores collapse.
"""

import datetime as dt
import logging

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.utils import timezone

from mutakhir.core.logging import mask_identity_numbers

from .channels import SendFailed, adapter_for
from .models import Message, OptOut

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 30
STALE_SENDING = dt.timedelta(minutes=10)
State = Message.State


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def claim(pk: int, now: dt.datetime) -> Message | None:
    """Take a due pending row for sending (one UPDATE); None when it is not due, not pending or taken."""
    taken = Message.objects.filter(pk=pk, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return Message.objects.get(pk=pk) if taken else None


def _failed(message: Message, reason: str, retry: bool, now: dt.datetime) -> str:
    reason = mask_identity_numbers(reason)[:500]
    if retry and message.attempts < MAX_ATTEMPTS:
        Message.objects.filter(pk=message.pk, state=State.SENDING).update(
            state=State.PENDING, next_attempt_at=now + backoff(message.attempts), last_error=reason)
        return State.PENDING
    Message.objects.filter(pk=message.pk, state=State.SENDING).update(state=State.FAILED, last_error=reason)
    return State.FAILED


def deliver(pk: int, now: dt.datetime | None = None) -> str:
    """Send one row if it is due; return its state afterwards ("" when it was not ours to send)."""
    now = now or timezone.now()
    message = claim(pk, now)
    if message is None:
        return ""
    if OptOut.objects.filter(recipient=message.recipient).exists():
        Message.objects.filter(pk=pk).update(state=State.SKIPPED, last_error="opted out")
        logger.info("Message %s not sent: the recipient opted out.", pk)
        return State.SKIPPED
    try:
        adapter_for(message.channel).send(message)
    except SendFailed as exc:
        return _failed(message, str(exc), exc.retry, now)
    except ImproperlyConfigured as exc:  # the operator can fix the setting: keep trying until the last attempt
        return _failed(message, f"configuration: {exc}", True, now)
    Message.objects.filter(pk=pk, state=State.SENDING).update(state=State.SENT, sent_at=timezone.now(),
                                                              last_error="")
    return State.SENT


def recover_stale(now: dt.datetime | None = None) -> int:
    """Put rows left "sending" by a worker that stopped back to pending (at least once: see the docstring)."""
    now = now or timezone.now()
    return Message.objects.filter(state=State.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        state=State.PENDING, next_attempt_at=now, last_error="worker stopped while sending: sent again")


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send up to `limit` due rows, oldest first; return how many were sent."""
    now = now or timezone.now()
    due = (Message.objects.filter(state=State.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
           .values_list("pk", flat=True)[:limit])
    return sum(deliver(pk, now) == State.SENT for pk in list(due))
