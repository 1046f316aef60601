"""Guards of the public (anonymous) pages: who the client is, rate limits, and answers padded in time.

Every public lookup (the citizen's status check, following a complaint) goes through `guarded_lookup`:

- the client's limit is counted first, and the looked-up key's (a NIK, a ticket) only while the client is
  within its own: a client already refused cannot use up a citizen's checks of their own NIK;
- a refusal (429) comes before any lookup, so its timing says nothing, and is not padded: a flooding
  client must not keep the server's threads asleep;
- a lookup takes at least its floor of seconds whether or not the record exists.

The client is the connecting address, unless that is one of TRUSTED_PROXIES (`client_address`).
"""

import functools
import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)
Limit = tuple[int, int]  # (count, window in seconds)


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)
    except ValueError as exc:
        raise ImproperlyConfigured(f"MUTAKHIR_TRUSTED_PROXIES: {exc}") from exc


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in net for net in networks)


def client_address(meta) -> str:
    """Return the client's address: REMOTE_ADDR, or behind trusted proxies the right-most untrusted hop.

    X-Forwarded-For is read only when the connecting peer is one of TRUSTED_PROXIES (none by default),
    and then from the right: each trusted proxy appends the address it saw, so the first hop from the
    right that is not a trusted proxy is the client; anything left of it is whatever the client wrote.
    """
    peer = meta.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(_address(peer), networks):
        return peer
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a trusted proxy never writes this: keep the last address we could trust
            return client
        client = str(address)
        if not _trusted(address, networks):
            return client
    return client  # every hop is a trusted proxy: the left-most is as close to the client as we get


def limit_key(client: str) -> str:
    """Return the rate-limit identity of an address: IPv4 as is, IPv6 by its /64 (one subscriber's block)."""
    address = _address(client)
    if address is None:
        return client
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def over_limit(key: str, limit: Limit) -> bool:
    """Count one use of `key`; return True when it is over its limit (count, window seconds)."""
    count, window = limit
    cache.add(key, 0, window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, window)
        used = 1
    return used > count


def limit_reached(key: str, limit: Limit) -> bool:
    """Return True when `key` has used up its limit, without counting a use (a check before the lookup)."""
    return (cache.get(key) or 0) >= limit[0]


def rate_limited(page: str, client: str, key: str, *, per_client: Limit, per_key: Limit | None) -> bool:
    """Count one use by `client`, then (only if within its limit) one of `key`; True when either is over.

    `key` is hashed into the cache key, so the cache never holds a NIK or a ticket. `per_key=None` limits
    the client only: where the key is public (a ticket number), a limit on it would let anyone use up the
    checks of its owner.
    """
    if over_limit(f"{page}:ip:{limit_key(client)}", per_client):
        return True
    if per_key is None:
        return False
    return over_limit(f"{page}:key:{hashlib.sha256(key.encode()).hexdigest()[:32]}", per_key)


def pad(started: float, seconds: float) -> None:
    """Sleep until `seconds` have passed since `started` (time.monotonic())."""
    left = seconds - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)
    elif seconds > 0:
        # The floor no longer hides whether the record exists: raise it (or find the slow query).
        logger.warning("A public lookup took %.2f s, over its %.2f s floor.", time.monotonic() - started, seconds)


def guarded_lookup[T](page: str, client: str, key: str, lookup: Callable[[], T], *, per_client: Limit,
                   per_key: Limit | None, min_seconds: float) -> tuple[T | None, bool]:
    """Return (answer, False) after at least `min_seconds`, or (None, True) at once when rate-limited."""
    started = time.monotonic()
    if rate_limited(page, client, key, per_client=per_client, per_key=per_key):
        return None, True
    answer = lookup()
    pad(started, min_seconds)
    return answer, False
