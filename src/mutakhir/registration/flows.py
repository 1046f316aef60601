"""Allowed status transitions of a registration (only services change status)."""

from django.utils.translation import gettext_lazy as _

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


class TransitionError(Exception):
    """A status change the flow does not allow."""

    def __init__(self, old, new):
        super().__init__(_("A registration in status “%(old)s” cannot become “%(new)s”.")
                         % {"old": Status(old).label, "new": Status(new).label})
        self.old, self.new = old, new


def can_move(old: str, new: str) -> bool:
    return new in NEXT.get(old, ())


def check_transition(old: str, new: str) -> None:
    """Raise TransitionError unless the flow allows old -> new."""
    if not can_move(old, new):
        raise TransitionError(old, new)
