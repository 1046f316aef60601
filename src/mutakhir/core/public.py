"""Guards of the public (anonymous) pages: rate limits in the cache, answers padded in time."""

import time

from django.core.cache import cache


def over_limit(key: str, limit: tuple[int, int]) -> bool:
    """Count one use of `key`; return True when it is over its limit (count, window seconds)."""
    count, window = limit
    cache.add(key, 0, window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, window)
        used = 1
    return used > count


def pad(started: float, seconds: float) -> None:
    """Sleep until `seconds` have passed since `started` (time.monotonic())."""
    left = seconds - (time.monotonic() - started)
    if left > 0:
        time.sleep(left)
