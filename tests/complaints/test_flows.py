"""The complaint flow: which status changes are allowed."""

import pytest

from mutakhir.complaints import flows
from mutakhir.complaints.models import Status

ALLOWED = {("new", "assigned"), ("assigned", "in_review"), ("in_review", "answered"), ("answered", "closed"),
           ("answered", "in_review")}


@pytest.mark.parametrize("old", Status.values)
@pytest.mark.parametrize("new", Status.values)
def test_it_allows_only_the_documented_transitions(old, new):
    assert flows.can_move(old, new) == ((old, new) in ALLOWED)
    if (old, new) in ALLOWED:
        flows.check_transition(old, new)
    else:
        with pytest.raises(flows.TransitionError):
            flows.check_transition(old, new)


def test_a_closed_complaint_is_final():
    assert not flows.NEXT.get(Status.CLOSED)
