"""Property-based run of the whole API against its own OpenAPI schema (schemathesis, bounded): every path, each
with a valid token of its purpose (an operation's tag names its purpose), on data where the paths find objects."""

import datetime as dt

import pytest
import schemathesis
from conftest import BANGKA, VILLAGE_IN
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from mutakhir.accounts.models import Role
from mutakhir.registration.models import TokenPurpose
from mutakhir.registration.tokens import create_token
from mutakhir.registry.models import UpdatePeriod
from mutakhir.targeting.models import Program

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
UNLIMITED = 6000  # requests a minute: the run is not about the rate limit (tests/registration/test_api_tokens.py)


@pytest.fixture
def keys(make_user):
    """One key per purpose, of an account that may use it, with an open update period and a program."""
    UpdatePeriod.objects.create(region_id=BANGKA, name="MPM Bangka 2025", starts_on=dt.date(2025, 1, 1))
    program = Program.objects.create(name="PKH")
    holders = {TokenPurpose.REGISTRATIONS: make_user(Role.REGISTRAR, VILLAGE_IN),
               TokenPurpose.LISTS: make_user(Role.PROGRAM_MANAGER),
               TokenPurpose.FEEDS: make_user(Role.DISTRICT_OPERATOR, BANGKA),
               TokenPurpose.PACKAGES: make_user(Role.DISTRICT_OPERATOR, BANGKA)}
    # Like Django's test client: keep the test's connection (and its transaction) open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {purpose: create_token(user, purpose=purpose, per_minute=UNLIMITED,
                                 program=program if purpose == TokenPurpose.LISTS else None)[1]
           for purpose, user in holders.items()}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def drawn(keys, make_household):
    """Two lists of the token's program (the second drawn after the first), with entries and a head each."""
    from mutakhir.ranking.models import RankingRun
    from mutakhir.targeting.models import BeneficiaryList, Entry, ProgramVersion

    program = Program.objects.get(name="PKH")
    version = ProgramVersion.objects.create(program=program, number=1, rule="desil <= 4")
    run = RankingRun.objects.create(region_code="", model={}, model_sha256="0" * 64, engine="duckdb", source="t",
                                    households=3)
    first = BeneficiaryList.objects.create(version=version, ranking_run=run)
    second = BeneficiaryList.objects.create(version=version, ranking_run=run, previous=first)
    for blist, households in ((first, ("A1", "A2")), (second, ("A2", "A3"))):
        for n, hid in enumerate(households):
            if not Entry.objects.filter(household_id=hid).exists():
                make_household(VILLAGE_IN, members=1, household_id=hid)
            Entry.objects.create(beneficiary_list=blist, household_id=hid, region_code=VILLAGE_IN, score=n, desil=1,
                                 people=1, status=Entry.Status.SELECTED, change="entered")
    return first, second


def purpose_of(operation) -> str:
    purposes = [tag for tag in operation.tags or [] if tag in TokenPurpose.values]
    assert len(purposes) == 1, f"{operation.label}: tag it with its token's purpose, one of {TokenPurpose.values}"
    return purposes[0]


def test_every_path_is_covered():
    paths = set(schema.raw_schema["paths"])
    assert {"/api/registrations/", "/api/registration-batches/", "/api/lists/{list_id}/entries"} <= paths


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, keys):
    # Schema-valid data may still break business rules (an unknown village, no consent): 422 is right there.
    # Unknown query parameters are ignored, as HTTP APIs do, so "negative" queries made of them get 200.
    headers = {"Authorization": f"Bearer {keys[purpose_of(case.operation)]}"}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection])


@pytest.mark.django_db
def test_list_pulls_with_rows_conform_to_the_schema(keys, drawn):
    """The generated cases above rarely name a list that exists: these pull real rows, and check them."""
    first, second = drawn
    headers = {"Authorization": f"Bearer {keys[TokenPurpose.LISTS]}"}
    calls = [("/api/lists/", {}, {}), ("/api/lists/{list_id}", {"list_id": second.pk}, {}),
             ("/api/lists/{list_id}/entries", {"list_id": second.pk}, {"reason": "Penyaluran tahap 1", "page_size": 1}),
             ("/api/lists/{list_id}/changes", {"list_id": second.pk}, {"reason": "Pemutakhiran", "since": first.pk})]
    for path, path_parameters, query in calls:
        case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(headers=headers)
        assert response.status_code == 200, (path, response.text)
        assert response.json(), path
