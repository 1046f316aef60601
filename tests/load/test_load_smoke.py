"""A small load test (bench/load.py's locust users, 8 clients for 10 seconds): nothing breaks, and the
status check's per-client limit stops the one hammering client while other citizens are served.

The server is waitress, as in production, on the test database. That database is SQLite in memory: one
connection, which the server's threads must take in turn (a lock), so this checks the pages and the limiter
under concurrent clients, not the database's own concurrency (bench/load.py does that on PostgreSQL).
"""

import sys
import threading
from pathlib import Path
from urllib.request import urlopen

import pytest
from conftest import VILLAGE_IN
from django.core.cache import cache
from django.db import connections
from waitress.server import create_server

from mutakhir.config.wsgi import application
from mutakhir.registration import status as status_checks

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import load  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LIMIT = 3  # per-client checks, instead of 20 an hour: the attacker reaches it within seconds


@pytest.fixture
def server():
    """Serve the app with waitress (4 threads) on a free loopback port; yield its URL."""
    shared, lock = connections["default"], threading.Lock()
    shared.inc_thread_sharing()

    def app(environ, start_response):
        with lock:
            connections["default"] = shared
            response = application(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()

    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{wsgi.effective_port}"
    for page in ("/publik/cek-status/", "/accounts/login/"):  # first requests import and compile a lot
        urlopen(url + page, timeout=60).close()  # noqa: S310 (our own loopback server)
    yield url
    wsgi.close()
    thread.join(timeout=10)
    shared.dec_thread_sharing()


def test_clients_are_served_and_the_hammering_one_is_limited(server, make_household, monkeypatch, tmp_path):
    monkeypatch.setattr(status_checks, "PER_CLIENT", (LIMIT, 3600))
    monkeypatch.setattr(status_checks, "MIN_SECONDS", 0.05)
    cache.clear()
    for _ in range(3):
        make_household(VILLAGE_IN, members=3)
    accounts = load.prepare_accounts("1901", registrars=2, searchers=1, niks_per_searcher=5)
    plan = accounts | {"run": 0, "mix": {"Registrar": 2, "Searcher": 2, "Citizen": 2, "Attacker": 2},
                       "think_seconds": [0.1, 0.3]}
    recorded = load.run_locust(server, plan, seconds=10, folder=tmp_path)
    statuses = recorded["statuses"]
    assert not [(name, s) for name, counts in statuses.items() for s in counts if not s.isdigit() or s >= "500"]
    attacker = statuses["attacker status POST"]
    assert attacker.get("200", 0) <= LIMIT and attacker["429"] > 0
    assert statuses["status check POST"] == {"200": sum(statuses["status check POST"].values())}
    assert set(statuses["registration form POST"]) == {"302"}
    assert set(statuses["search by name GET"]) == set(statuses["search by NIK POST"]) == {"200"}
    rows = {r["endpoint"]: r for r in load.summarize(recorded, warmup=0)}
    assert rows["registration form POST"]["errors"] == 0 and rows["attacker status POST"]["errors"] == 0
