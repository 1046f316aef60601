"""Identification fixtures: a district operator of Bangka and a matched update period."""

import pytest
from conftest import BANGKA, in_english

from mutakhir.accounts.models import Role
from mutakhir.core.models import JobRun
from mutakhir.identification.services import do_start_match

from . import scenario

english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture
def operator(make_user):
    return make_user(Role.DISTRICT_OPERATOR, BANGKA, username="operator")


@pytest.fixture
def period(operator):
    return scenario.build(operator)


@pytest.fixture
def start_run(django_capture_on_commit_callbacks):
    """Start a match run and let its task finish (the test settings run tasks immediately)."""

    def start(user, period):
        with django_capture_on_commit_callbacks(execute=True):
            run = do_start_match(user, period)
        run.refresh_from_db()
        run.job.refresh_from_db()
        assert run.job.state == JobRun.State.DONE, run.job.error
        return run

    return start
