"""Allowed status transitions of a registration (only services change status)."""

from django.utils.translation import gettext_lazy as _

from mutakhir.core import flows

from .models import Status

NEXT = {
    Status.SUBMITTED: {Status.WITHDRAWN, Status.IN_IDENTIFICATION},
    Status.IN_IDENTIFICATION: {Status.IN_VERIFICATION, Status.SUBMITTED},
    Status.IN_VERIFICATION: {Status.VERIFIED, Status.REJECTED},
}
# Statuses in which the registration's data may still be corrected by the people who entered it.
EDITABLE = {Status.SUBMITTED}
# Statuses a citizen sees as "being checked".
IN_PROCESS = {Status.IN_IDENTIFICATION, Status.IN_VERIFICATION}


class TransitionError(flows.TransitionError):
    """A status change the registration flow does not allow."""

    message = _("A registration in status “%(old)s” cannot become “%(new)s”.")
    status = Status


FLOW = flows.Flow(NEXT, TransitionError)
can_move, check_transition = FLOW.can_move, FLOW.check_transition
