"""Putting messages in the outbox: one row per event, recipient and channel, each stored once.

`queue` is called in the transaction that makes the change it announces (a complaint's services) or by
the stage sweep (`sweep.py`). The row's unique key (event + channel + recipient) makes a second call for
the same event a no-op, so no event is sent twice however often it is noticed. New rows are handed to the
worker when the transaction commits; a row whose task is lost is picked up by the sweep anyway.
"""

import hashlib
import re

from django.db import transaction

from .models import Channel, Message, NotificationSettings, OptOut


def normalize_phone(phone: str) -> str:
    """Return a phone number as 62... digits (08.. and +62.. alike), or "" when it is not one."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits if digits.startswith("62") and 9 <= len(digits) <= 15 else ""


def normalize_address(recipient: str) -> str:
    """Return the form an address is stored and opted out under: 62... for a phone, lower case for e-mail."""
    recipient = (recipient or "").strip()
    return recipient.lower() if "@" in recipient else normalize_phone(recipient)


def mask_recipient(recipient: str) -> str:
    """Return an address as the outbox page shows it: 6281******789, b***@example.org."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return recipient[:4] + "*" * max(len(recipient) - 7, 0) + recipient[-3:]


def settings_of(region_code: str) -> NotificationSettings | None:
    """Return the district's settings when it sends notifications, else None."""
    return NotificationSettings.objects.filter(region_id=region_code[:4], enabled=True).first()


def recipients(district: NotificationSettings, phone: str, email: str) -> list[tuple[str, str]]:
    """Return the (channel, address) pairs the district's switch allows for these contact details."""
    out = []
    phone = normalize_phone(phone)
    if phone and district.phone_channel:
        out.append((district.phone_channel, phone))
    if email and district.email:
        out.append((Channel.EMAIL, email.strip().lower()))
    return out


def _key(event_key: str, channel: str, recipient: str) -> str:
    return f"{event_key}|{channel}|{hashlib.sha256(recipient.encode()).hexdigest()[:16]}"


def queue(*, event_key: str, event: str, reference: str, region_code: str, body: str, phone: str = "",
          email: str = "") -> list[Message]:
    """Store the event's messages (none when the district does not send); return the rows created now."""
    district = settings_of(region_code)
    if district is None:
        return []
    pairs = recipients(district, phone, email)
    stopped = set(OptOut.objects.filter(recipient__in=[a for _, a in pairs]).values_list("recipient", flat=True))
    rows = [Message(key=_key(event_key, channel, address), region_code=region_code, event=event,
                    reference=reference, channel=channel, recipient=address, body=body,
                    state=Message.State.SKIPPED if address in stopped else Message.State.PENDING,
                    last_error="opted out" if address in stopped else "") for channel, address in pairs]
    existing = set(Message.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    new = [r for r in rows if r.key not in existing]
    Message.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent sweep may have stored one meanwhile
    created = list(Message.objects.filter(key__in=[r.key for r in new]).order_by("pk"))
    _hand_over(created)
    return created


def _hand_over(messages: list[Message]) -> None:
    from .tasks import deliver_task

    pks = [m.pk for m in messages if m.state == Message.State.PENDING]
    if pks:
        transaction.on_commit(lambda: [deliver_task.enqueue(pk) for pk in pks])
