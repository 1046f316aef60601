"""The public status check under a hammering client (what bench/load.py found): a refused client neither
keeps a server thread asleep nor uses up the checks of other people's NIKs."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from mutakhir.registration import status as status_checks

pytestmark = pytest.mark.django_db
NIK = "1901010105800001"


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    monkeypatch.setattr(status_checks, "PER_CLIENT", (2, 3600))
    cache.clear()
    yield
    cache.clear()


def test_a_refused_client_does_not_use_up_a_nik(monkeypatch):
    assert [status_checks.rate_limited("10.0.0.1", NIK) for _ in range(12)] == [False] * 2 + [True] * 10
    # The NIK was counted twice (the accepted checks), so its citizen still has checks left (5 an hour).
    assert [status_checks.rate_limited(f"10.0.1.{i}", NIK) for i in range(4)] == [False] * 3 + [True]


def test_a_refusal_is_answered_at_once_and_an_answer_is_padded(client, monkeypatch):
    monkeypatch.setattr(status_checks, "MIN_SECONDS", 1.0)
    url, data = reverse("publik:status"), {"nik": NIK, "name": "Budi Santoso"}
    timings = []
    for _ in range(3):
        started = time.monotonic()
        timings.append((client.post(url, data).status_code, time.monotonic() - started))
    assert [code for code, _ in timings] == [200, 200, 429]
    assert min(t for _, t in timings[:2]) >= 1.0 and timings[2][1] < 0.9
