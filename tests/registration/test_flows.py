"""The registration flow, whole: every (from, to) pair of statuses, and which statuses may still be edited.

A single forbidden move pinned the table before (issue 21): a registration that could go SUBMITTED -> VERIFIED
skips identification and verification, and one editable once VERIFIED changes data already checked in the field.
"""

import pytest
from django.utils import translation

from mutakhir.registration import flows
from mutakhir.registration.models import Registration, Status
from mutakhir.registration.services import check_editable

ALLOWED = {("submitted", "withdrawn"), ("submitted", "in_identification"), ("in_identification", "in_verification"),
           ("in_identification", "submitted"), ("in_verification", "verified"), ("in_verification", "rejected")}


@pytest.mark.parametrize("old", Status.values)
@pytest.mark.parametrize("new", Status.values)
def test_it_allows_exactly_the_documented_moves(old, new):
    assert flows.can_move(old, new) == ((old, new) in ALLOWED)
    if (old, new) in ALLOWED:
        flows.check_transition(old, new)
    else:
        with pytest.raises(flows.TransitionError) as err:
            flows.check_transition(old, new)
        assert (err.value.old, err.value.new) == (old, new)


def test_withdrawn_verified_and_rejected_are_final():
    assert {s for s in Status.values if not flows.NEXT.get(s)} == {"withdrawn", "verified", "rejected"}


def test_only_a_submitted_registration_is_editable():
    assert {Status.SUBMITTED} == flows.EDITABLE


@pytest.mark.parametrize("status", Status.values)
def test_only_a_submitted_registration_can_be_corrected(registrar, status):
    registration = Registration(status=status)
    if status == Status.SUBMITTED:
        check_editable(registrar, registration)
    else:
        with pytest.raises(flows.TransitionError):
            check_editable(registrar, registration)


def test_identification_and_verification_are_in_process():
    assert {Status.IN_IDENTIFICATION, Status.IN_VERIFICATION} == flows.IN_PROCESS


def test_a_refused_move_names_both_statuses_by_label():
    with translation.override("en"), pytest.raises(flows.TransitionError) as err:
        flows.check_transition(Status.SUBMITTED, Status.VERIFIED)
    assert str(err.value) == "A registration in status “Submitted” cannot become “Verified”."
