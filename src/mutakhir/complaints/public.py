"""The citizen's side: rate limits, and following a ticket with its code, padded in time.

A wrong code gives the same answer as an unknown ticket, and every lookup takes at least MIN_SECONDS,
so neither the answer nor its timing tells whether a ticket exists. The limits and the padding are the
ones every public page shares (core/public.py); a refusal (429) comes at once, before any lookup.

Following is limited per client only. Ticket numbers are sequential and printed on paper, so a limit per
ticket let anyone use up a real complainant's checks by sending wrong codes for their ticket. What keeps a
ticket's answer from being guessed is its follow code: random, about 2**40 (services.FOLLOW_LENGTH), and at
FOLLOW_PER_CLIENT tries an hour per address (per /64 for IPv6) out of reach.
"""

from dataclasses import dataclass

from mutakhir.core import public

from .models import Complaint, Status
from .services import follow_matches

MIN_SECONDS = 0.4
FILE_PER_CLIENT = (10, 3600)  # at most 10 complaints per client address per hour
FOLLOW_PER_CLIENT = (20, 3600)  # at most 20 lookups per client address per hour


@dataclass
class Answer:
    found: bool
    ticket: str = ""
    kind: str = ""
    status: str = ""
    filed_on: object = None
    due_on: object = None
    answer: str = ""


def filing_limited(client: str) -> bool:
    return public.over_limit(f"complaint-file:ip:{public.limit_key(client)}", FILE_PER_CLIENT)


def follow(ticket: str, code: str) -> Answer:
    """Return the status and answer of a ticket when the follow code matches; nothing else."""
    ticket = ticket.strip().upper()
    complaint = Complaint.objects.filter(ticket=ticket).first()
    if not follow_matches(complaint, ticket, code):
        return Answer(found=False)
    shows_answer = complaint.status in (Status.ANSWERED, Status.CLOSED)
    return Answer(found=True, ticket=complaint.ticket, kind=complaint.get_kind_display(),
                  status=complaint.get_status_display(), filed_on=complaint.filed_at, due_on=complaint.due_on,
                  answer=complaint.answer if shows_answer else "")


def check_follow(client: str, ticket: str, code: str) -> tuple[Answer | None, bool]:
    """Return (answer, limited): the client's rate limit first, then a padded lookup."""
    ticket = ticket.strip().upper()
    return public.guarded_lookup("complaint-follow", client, ticket, lambda: follow(ticket, code),
                                 per_client=FOLLOW_PER_CLIENT, per_key=None, min_seconds=MIN_SECONDS)
