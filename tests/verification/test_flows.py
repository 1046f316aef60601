"""The verification flow, whole: every (from, to) pair of statuses, and which statuses the verifier may edit.

An accepted verification goes back only by a return (which services allow while it is in no approved decree);
it is never edited in place, and a submitted one waits for the reviewer.
"""

import pytest

from mutakhir.verification import flows
from mutakhir.verification.models import Status

ALLOWED = {("assigned", "draft"), ("assigned", "submitted"), ("draft", "draft"), ("draft", "submitted"),
           ("submitted", "accepted"), ("submitted", "returned"), ("returned", "draft"), ("returned", "submitted"),
           ("accepted", "returned")}


@pytest.mark.parametrize("old", Status.values)
@pytest.mark.parametrize("new", Status.values)
def test_it_allows_exactly_the_documented_moves(old, new):
    if (old, new) in ALLOWED:
        flows.check_transition(old, new)
    else:
        with pytest.raises(flows.TransitionError, match=f"^{old} -> {new}$") as err:
            flows.check_transition(old, new)
        assert (err.value.old, err.value.new) == (old, new)


def test_the_table_names_no_other_move():
    assert {(old, new) for old, targets in flows.NEXT.items() for new in targets} == ALLOWED


def test_only_unsubmitted_work_is_editable():
    assert {Status.ASSIGNED, Status.DRAFT, Status.RETURNED} == flows.EDITABLE
