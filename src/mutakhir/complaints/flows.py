"""Allowed status transitions of a complaint (only services change status)."""

from django.utils.translation import gettext_lazy as _

from mutakhir.core import flows

from .models import Status

NEXT = {
    Status.NEW: {Status.ASSIGNED},
    Status.ASSIGNED: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.ANSWERED},
    Status.ANSWERED: {Status.CLOSED, Status.IN_REVIEW},  # answered -> in review = reopen
}
# Statuses in which the complaint may be (re)assigned to another staff account.
ASSIGNABLE = {Status.NEW, Status.ASSIGNED, Status.IN_REVIEW}
# Statuses in which a household may still be sent to re-verification.
WORKING = {Status.ASSIGNED, Status.IN_REVIEW}


class TransitionError(flows.TransitionError):
    """A status change the complaint flow does not allow."""

    message = _("A complaint in status “%(old)s” cannot become “%(new)s”.")
    status = Status


FLOW = flows.Flow(NEXT, TransitionError)
can_move, check_transition = FLOW.can_move, FLOW.check_transition
