"""The complaint flow: which status changes are allowed."""

import pytest
from django.utils import translation

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


def test_a_complaint_is_assignable_until_it_is_answered():
    assert {Status.NEW, Status.ASSIGNED, Status.IN_REVIEW} == flows.ASSIGNABLE


def test_a_household_is_sent_to_reverification_only_while_the_complaint_is_worked_on():
    assert {Status.ASSIGNED, Status.IN_REVIEW} == flows.WORKING


def test_a_refused_move_names_both_statuses_by_label():
    with translation.override("en"), pytest.raises(flows.TransitionError) as err:
        flows.check_transition(Status.NEW, Status.CLOSED)
    assert str(err.value) == "A complaint in status “New” cannot become “Closed”."
    assert (err.value.old, err.value.new) == (Status.NEW, Status.CLOSED)
