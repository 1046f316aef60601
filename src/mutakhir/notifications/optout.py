"""A citizen stops the messages: the reference a message named, and the phone or e-mail it went to.

The opt-out is honoured for the address as a whole (every registration and complaint), at once for
messages not yet sent (they are marked "not sent: opted out") and for any later one (`outbox.queue`,
`delivery.deliver`), and logged as an `OptOut` row with its time and reference. The public page answers
the same whether or not the pair matched, so it cannot be used to learn who was messaged.
"""

import logging

from django.db import IntegrityError, transaction

from mutakhir.core import public

from .models import Message, OptOut
from .outbox import normalize_address

logger = logging.getLogger(__name__)
MIN_SECONDS = 0.4
PER_CLIENT = (10, 3600)  # at most 10 opt-out attempts per client address per hour


@transaction.atomic
def do_opt_out(reference: str, recipient: str) -> bool:
    """Stop messages to `recipient` if a message about `reference` went (or was to go) to it; True when so."""
    reference, address = reference.strip().upper(), normalize_address(recipient)
    if not address or not Message.objects.filter(reference=reference, recipient=address).exists():
        return False
    try:
        with transaction.atomic():
            OptOut.objects.create(recipient=address, reference=reference)
    except IntegrityError:
        pass  # already stopped
    stopped = Message.objects.filter(recipient=address, state=Message.State.PENDING).update(
        state=Message.State.SKIPPED, last_error="opted out")
    logger.info("Messages stopped for an address of %s (%s pending not sent).", reference, stopped)
    return True


def check_opt_out(client: str, reference: str, recipient: str) -> tuple[bool | None, bool]:
    """Return (done, limited): the client's rate limit first, then a lookup padded in time."""
    return public.guarded_lookup("notification-stop", client, reference,
                                 lambda: do_opt_out(reference, recipient),
                                 per_client=PER_CLIENT, per_key=None, min_seconds=MIN_SECONDS)
