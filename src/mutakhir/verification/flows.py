"""Allowed status transitions of a verification; only services.py changes a status."""

from .models import Status

NEXT = {
    Status.ASSIGNED: {Status.DRAFT, Status.SUBMITTED},
    Status.DRAFT: {Status.DRAFT, Status.SUBMITTED},
    Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
    Status.RETURNED: {Status.DRAFT, Status.SUBMITTED},
    Status.ACCEPTED: {Status.RETURNED},  # only while the accepted verification is in no approved decree
}
EDITABLE = {Status.ASSIGNED, Status.DRAFT, Status.RETURNED}


class TransitionError(Exception):
    """A status change the flow does not allow."""


def check_transition(old: str, new: str) -> None:
    if new not in NEXT.get(old, ()):
        raise TransitionError(f"{old} -> {new}")
