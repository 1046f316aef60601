"""The shared status flow: a table of allowed moves, and an error naming the move it refused."""

import pytest
from django.db import models
from django.utils import translation

from mutakhir.core import flows
from mutakhir.verification import flows as verification_flows


class Colour(models.TextChoices):
    RED = "red", "Merah"
    GREEN = "green", "Hijau"
    BLUE = "blue", "Biru"


class PlainError(flows.TransitionError):
    """No status choices: the message names the stored values."""


class NamedError(flows.TransitionError):
    message = "from %(old)s to %(new)s"
    status = Colour


FLOW = flows.Flow({"red": {"green"}, "green": {"red", "blue"}}, PlainError)


@pytest.mark.parametrize(("old", "new", "allowed"), [
    ("red", "green", True), ("green", "red", True), ("green", "blue", True),
    ("red", "blue", False), ("red", "red", False), ("blue", "red", False),  # blue has no moves at all
])
def test_it_allows_exactly_the_listed_moves(old, new, allowed):
    assert FLOW.can_move(old, new) is allowed
    if allowed:
        assert FLOW.check_transition(old, new) is None
    else:
        with pytest.raises(PlainError) as err:
            FLOW.check_transition(old, new)
        assert (err.value.old, err.value.new) == (old, new)


def test_an_error_without_status_choices_names_the_stored_values():
    assert str(PlainError("red", "blue")) == "red -> blue"


def test_an_error_with_status_choices_names_their_labels():
    error = NamedError("red", "blue")
    assert str(error) == "from Merah to Biru"
    assert (error.old, error.new) == ("red", "blue")


def test_an_illegal_verification_move_raises_the_verification_error():
    with translation.override("en"), pytest.raises(verification_flows.TransitionError) as err:
        verification_flows.check_transition("assigned", "accepted")
    assert str(err.value) == "assigned -> accepted"


def test_a_flow_built_at_run_time_keeps_its_table_and_error():
    """Built inside the test, not at import: mutation testing reruns the tests, never the imports."""
    flow = flows.Flow({"red": {"green"}}, PlainError)
    assert flow.can_move("red", "green") and not flow.can_move("green", "red")
    with pytest.raises(PlainError):
        flow.check_transition("green", "red")
