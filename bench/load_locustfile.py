"""Locust users of the load test (bench/load.py runs them; tests/load/ runs a small version).

The plan file (LOAD_PLAN, written by bench/load.py's prepare step) names the accounts, their regions,
NIKs to search for and how many clients of each kind run. The kinds:

- Registrar: opens the registration form and submits a valid new household (distinct synthetic NIKs).
- Searcher: household search in their sub-district, by name (GET) and by NIK (POST, answered at ?s=).
- Citizen: the public status check, each visit from a new loopback address (127.1.x.y), as many people.
- Attacker: the status check without pause, every client from ONE address (127.9.9.9): the per-client
  limit should answer 429 to it while the others are served.

Every request's time and HTTP status is recorded per endpoint and written as JSON to LOAD_RESULTS when
locust stops; bench/load.py computes the percentiles (exact, not locust's rounded buckets).
"""

import itertools
import json
import os
import random
import threading
import time
from collections import defaultdict, deque
from datetime import date
from pathlib import Path

from locust import HttpUser, between, constant, events, task
from locust.clients import LocustHttpAdapter

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Nur", "Andi", "Sri", "Hendra", "Wati", "Joko", "Rina"]
SYLLABLES = ["ka", "li", "mo", "ra", "su", "te", "wa", "ni", "do", "pu", "ge", "ha", "ja", "be", "lo", "si"]
SEARCH_NAMES = ["SITI", "MUHAMMAD", "AHMAD", "BUDI", "DEWI", "AGUS", "SRI AMINAH", "NUR"]
ATTACKER_ADDRESS = "127.9.9.9"
_lock = threading.Lock()
_times: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (when, milliseconds)
_statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
_registered: list[tuple[str, str]] = []  # (NIK, name) saved by registrars: what the attacker tries
_unchecked: deque[tuple[str, str]] = deque()  # the same, each checked once by its citizen
_citizen_addresses = (f"127.1.{i // 250}.{1 + i % 250}" for i in itertools.count())
_serial = itertools.count(1 + 100_000 * PLAN["run"])  # registration numbers, distinct across phases


@events.request.add_listener
def _record(name, response_time, response, exception, **kwargs):
    status = str(getattr(response, "status_code", 0) or type(exception).__name__)
    with _lock:
        _times[name].append((time.time(), response_time))
        _statuses[name][status] += 1


@events.quitting.add_listener
def _write(environment, **kwargs):
    with _lock, open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump({"times": _times, "statuses": _statuses}, out)


class SourceAddress(LocustHttpAdapter):
    """Connect from a given loopback address, so the server sees each citizen as a different client."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(pool_manager=None)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def csrf(client) -> dict:
    return {"X-CSRFToken": client.cookies.get("csrftoken", "")}


def expect(response, *codes: int) -> None:
    """Mark the response failed unless its status is one of `codes` (redirects are not followed)."""
    if response.status_code not in codes:
        response.failure(f"HTTP {response.status_code}")
    else:
        response.success()


def synthetic_nik(region6: str, born: date, sex: int, serial: int) -> str:
    day = born.day + (40 if sex == 2 else 0)
    return f"{region6}{day:02d}{born.month:02d}{born.year % 100:02d}{serial % 9999 + 1:04d}"


def unique_word(n: int) -> str:
    """Spell a number with syllables: a surname no other registration of the run has."""
    word = ""
    while True:
        n, digit = divmod(n, len(SYLLABLES))
        word += SYLLABLES[digit]
        if not n:
            return word.capitalize()


class Staff(HttpUser):
    abstract = True
    wait_time = between(*PLAN["think_seconds"])
    accounts: list[dict] = []

    def on_start(self):
        """Take the session of an account logged in by the prepare step; fetch the CSRF cookie."""
        self.account = self.accounts[next(self.counter) % len(self.accounts)]
        self.client.cookies.set("sessionid", self.account["session"])
        with self.client.get("/", name="home GET", allow_redirects=False, catch_response=True) as r:
            expect(r, 200)


class Registrar(Staff):
    fixed_count = PLAN["mix"].get("Registrar", 0)
    accounts = PLAN["registrars"]
    counter = itertools.count()

    @task
    def register(self):
        with self.client.get("/registrations/new/?channel=aktif", name="registration form GET",
                             catch_response=True) as r:
            expect(r, 200)
        village = self.account["region"]
        n = next(_serial)
        born = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
        sex = 1 + n % 2
        nik = synthetic_nik(village[:6], born, sex, n // 2100)  # (date, serial) repeats after 21 M
        name = f"{FIRST[n % len(FIRST)]} {unique_word(n + 17 * PLAN['run'])}"
        kk = f"{village[:6]}{1 + n % 28:02d}{1 + n // 28 % 12:02d}{10 + n // 336 % 15:02d}{n // 5040 % 9999 + 1:04d}"
        data = {"region_code": village, "address": f"Jl. {unique_word(n)} No. {n % 90 + 1}", "rt": "001",
                "rw": "002", "consent": "on", "id_document_seen": "ktp",
                "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
                "members-MAX_NUM_FORMS": "40", "members-0-nik": nik, "members-0-kk": kk, "members-0-name": name,
                "members-0-relation": "1", "members-0-sex": str(sex), "members-0-birth_date": born.isoformat()}
        with self.client.post("/registrations/new/?channel=aktif", data=data, headers=csrf(self.client),
                              name="registration form POST", allow_redirects=False, catch_response=True) as r:
            expect(r, 302)
        if r.status_code == 302:
            with _lock:
                _registered.append((nik, name))
                _unchecked.append((nik, name))


class Searcher(Staff):
    fixed_count = PLAN["mix"].get("Searcher", 0)
    accounts = PLAN["searchers"]
    counter = itertools.count()

    @task(2)
    def by_name(self):
        with self.client.get("/registry/households/", params={"q": random.choice(SEARCH_NAMES)},
                             name="search by name GET", catch_response=True) as r:
            expect(r, 200)

    @task(1)
    def by_nik(self):
        nik = random.choice(self.account["niks"])
        with self.client.post("/registry/households/", data={"q": nik}, headers=csrf(self.client),
                              name="search by NIK POST", catch_response=True) as r:  # follows to ?s=
            expect(r, 200)
            if r.status_code == 200 and "?s=" not in r.url:
                r.failure("not answered at an opaque ?s= URL")


def citizen_check(user, address: str, name: str) -> None:
    """Check a registered person's status (a citizen: their own, once) or a valid NIK nobody registered."""
    with _lock:
        if address == ATTACKER_ADDRESS:
            known = random.choice(_registered) if _registered and random.random() < 0.5 else None
        else:
            known = _unchecked.popleft() if _unchecked and random.random() < 0.5 else None
    if known is None:  # a valid NIK that nobody registered: the answer is "no record"
        born = date(1950 + random.randrange(50), 1 + random.randrange(12), 1 + random.randrange(28))
        known = (synthetic_nik("190101", born, 1, random.randrange(9999)), "Budi Santoso")
    with user.client.post("/publik/cek-status/", data={"nik": known[0], "name": known[1]},
                          headers=csrf(user.client), name=name, catch_response=True) as r:
        expect(r, *((200, 429) if address == ATTACKER_ADDRESS else (200,)))


class Citizen(HttpUser):
    """One visit per task, each from a new address: a citizen checks once or twice, then leaves."""

    fixed_count = PLAN["mix"].get("Citizen", 0)
    wait_time = between(*PLAN["think_seconds"])

    @task
    def visit(self):
        address = next(_citizen_addresses)
        self.client.cookies.clear()
        self.client.close()  # the previous citizen's connection: left open, it would hold a server channel
        self.client.mount("http://", SourceAddress(address))
        with self.client.get("/publik/cek-status/", name="status check GET", catch_response=True) as r:
            expect(r, 200)
        citizen_check(self, address, "status check POST")


class Attacker(HttpUser):
    """Hammers the status check from one address without pause."""

    fixed_count = PLAN["mix"].get("Attacker", 0)
    wait_time = constant(0)

    def on_start(self):
        self.client.mount("http://", SourceAddress(ATTACKER_ADDRESS))
        self.client.get("/publik/cek-status/", name="attacker GET")

    @task
    def hammer(self):
        citizen_check(self, ATTACKER_ADDRESS, "attacker status POST")
