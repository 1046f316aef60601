"""The public pages' guard (core/public.py) branch by branch, without a database: the client's address,
its rate-limit identity, the counters and their boundaries, the padding floor, and the order of the checks."""

import hashlib
import logging

import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from mutakhir.core import public

PROXIES = override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:ffff::/48"])


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def address(xff=None, peer="10.0.0.2"):
    meta = {"REMOTE_ADDR": peer} if peer is not None else {}
    return public.client_address(meta | ({"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}))


def test_without_trusted_proxies_the_peer_is_the_client():
    assert address("203.0.113.9", peer="10.0.0.2") == "10.0.0.2"
    assert address(peer=None) == "" and address("203.0.113.9", peer="") == ""


@PROXIES
@pytest.mark.parametrize(("xff", "peer", "client"), [
    ("203.0.113.9", "192.0.2.1", "192.0.2.1"),  # not from a proxy: the header is the client's own words
    ("203.0.113.9", "", ""), ("203.0.113.9", "junk", "junk"), (None, "10.0.0.2", "10.0.0.2"),
    ("198.51.100.1, 203.0.113.9", "10.0.0.2", "203.0.113.9"),
    (" 203.0.113.9 , ,", "10.0.0.2", "203.0.113.9"),  # empty hops skipped, spaces trimmed
    ("10.3.3.3, 10.1.1.1", "10.0.0.2", "10.3.3.3"),  # every hop a proxy: the left-most
    ("203.0.113.9, junk, 10.1.1.1", "10.0.0.2", "10.1.1.1"),  # unreadable hop: the last address trusted
    ("junk", "10.0.0.2", "10.0.0.2"),
    ("[2001:db8::7]", "2001:db8:ffff::1", "2001:db8::7"),  # bracketed IPv6 through an IPv6 proxy
    ("2001:db8:ffff::9, 10.1.1.1", "10.0.0.2", "2001:db8:ffff::9"),
])
def test_behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client(xff, peer, client):
    assert address(xff, peer) == client


@pytest.mark.parametrize(("client", "key"), [
    ("203.0.113.7", "203.0.113.7"), (" 203.0.113.7 ", "203.0.113.7"), ("junk", "junk"), ("", ""),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"), ("::ffff:203.0.113.7", "203.0.113.7"),
])
def test_the_limit_key_is_the_ipv4_address_or_the_ipv6_64_block(client, key):
    assert public.limit_key(client) == key


def test_a_limit_allows_exactly_its_count_in_the_window():
    assert [public.over_limit("k", (2, 60)) for _ in range(4)] == [False, False, True, True]
    assert cache.get("k") == 4


def test_a_counter_expiring_between_add_and_incr_starts_again_at_one(monkeypatch):
    def expired(key):
        raise ValueError(key)

    monkeypatch.setattr(cache, "incr", expired)
    assert public.over_limit("k", (1, 60)) is False
    assert public.over_limit("k", (0, 60)) is True
    assert cache.get("k") == 1


def test_a_limit_is_reached_at_its_count_without_counting_a_use():
    assert public.limit_reached("k", (2, 60)) is False
    public.over_limit("k", (2, 60))
    assert public.limit_reached("k", (2, 60)) is False
    public.over_limit("k", (2, 60))
    assert public.limit_reached("k", (2, 60)) is True
    assert cache.get("k") == 2


def key_count(page, key):
    return cache.get(f"{page}:key:{hashlib.sha256(key.encode()).hexdigest()[:32]}")


def test_the_client_is_counted_first_and_the_key_only_within_the_clients_limit():
    limits = {"per_client": (1, 60), "per_key": (5, 60)}
    assert public.rate_limited("p", "203.0.113.7", "NIK1", **limits) is False
    assert public.rate_limited("p", "203.0.113.7", "NIK1", **limits) is True
    assert key_count("p", "NIK1") == 1  # the refused client did not use up the key's checks
    assert cache.get("p:ip:203.0.113.7") == 2


def test_a_key_is_limited_across_clients_unless_only_clients_are_limited():
    limits = {"per_client": (9, 60), "per_key": (2, 60)}
    assert [public.rate_limited("p", f"203.0.113.{i}", "NIK1", **limits) for i in range(3)] == [False, False, True]
    assert public.rate_limited("p", "203.0.113.9", "NIK2", **limits) is False
    assert [public.rate_limited("q", f"203.0.113.{i}", "T1", per_client=(9, 60), per_key=None)
            for i in range(3)] == [False] * 3
    assert key_count("q", "T1") is None


def test_pad_sleeps_the_rest_of_the_floor_and_warns_only_past_a_positive_floor(monkeypatch, caplog):
    slept = []
    monkeypatch.setattr(public.time, "monotonic", lambda: 12.0)
    monkeypatch.setattr(public.time, "sleep", slept.append)
    with caplog.at_level(logging.WARNING, logger=public.__name__):
        public.pad(10.0, 2.5)  # 2 s of work: sleep 0.5
        public.pad(10.0, 2.0)  # exactly the floor: no sleep, a warning
        public.pad(10.0, 0.0)  # no floor: no sleep, no warning
    assert slept == [0.5]
    assert len(caplog.records) == 1 and "over its 2.00 s floor" in caplog.records[0].getMessage()


def test_a_guarded_lookup_pads_an_answer_and_refuses_at_once(monkeypatch):
    floors, calls = [], []
    monkeypatch.setattr(public, "pad", lambda started, seconds: floors.append(seconds))
    limits = {"per_client": (1, 60), "per_key": None, "min_seconds": 0.7}
    assert public.guarded_lookup("p", "203.0.113.7", "K", lambda: calls.append(1) or "answer", **limits) == (
        "answer", False)
    assert public.guarded_lookup("p", "203.0.113.7", "K", lambda: calls.append(2) or "answer", **limits) == (
        None, True)
    assert calls == [1] and floors == [0.7]
