"""Allowed status transitions of a complaint (only services change status)."""

from django.utils.translation import gettext_lazy as _

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


class TransitionError(Exception):
    """A status change the flow does not allow."""

    def __init__(self, old, new):
        super().__init__(_("A complaint in status “%(old)s” cannot become “%(new)s”.")
                         % {"old": Status(old).label, "new": Status(new).label})
        self.old, self.new = old, new


def can_move(old: str, new: str) -> bool:
    return new in NEXT.get(old, ())


def check_transition(old: str, new: str) -> None:
    """Raise TransitionError unless the flow allows old -> new."""
    if not can_move(old, new):
        raise TransitionError(old, new)
