"""Property-based run of the registration API against its own OpenAPI schema (schemathesis, bounded)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from mutakhir.registration.tokens import create_token

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

@pytest.fixture
def auth_header(registrar):
    # Like Django's test client: keep the test's connection (and its transaction) open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {create_token(registrar)[1]}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)

@pytest.mark.django_db
@schema.include(path_regex="^/api/registrations/").parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, auth_header):
    # Schema-valid data may still break business rules (an unknown village, no consent): 422 is right there.
    # Unknown query parameters are ignored, as HTTP APIs do, so "negative" queries made of them get 200.
    case.call_and_validate(headers=auth_header, excluded_checks=[positive_data_acceptance, negative_data_rejection])
