"""Allowed status transitions of a verification; only services.py changes a status."""

from mutakhir.core import flows

from .models import Status

NEXT = {
    Status.ASSIGNED: {Status.DRAFT, Status.SUBMITTED},
    Status.DRAFT: {Status.DRAFT, Status.SUBMITTED},
    Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
    Status.RETURNED: {Status.DRAFT, Status.SUBMITTED},
    Status.ACCEPTED: {Status.RETURNED},  # only while the accepted verification is in no approved decree
}
EDITABLE = {Status.ASSIGNED, Status.DRAFT, Status.RETURNED}


class TransitionError(flows.TransitionError):
    """A status change the verification flow does not allow (message: "old -> new")."""


check_transition = flows.Flow(NEXT, TransitionError).check_transition
