"""Per-user rate limits, counted in Django's cache.

`rate_limit_hit(key, limit=, window=)` counts one use of `key` (for example
`"person-match:user:42"`) in the current fixed window of `window` seconds and raises
`RateLimited` once the count passes `limit`; the exception carries how many seconds remain
until the window ends (for a `Retry-After` header and the message shown to the user).

The count must be shared by every process that serves the area, so the cache must be shared
too: the settings default to Django's database cache (the `continuum_cache` table, created by
`continuum migrate` and `continuum demo`), which every app server reaches through the database
it already uses; a Redis cache (`CACHE_URL=redis://…`) does the same with atomic counting.
Django's default local-memory cache would give each process its own count (a limit of 20
becomes 20 per process), which is why it is not used. With the database cache two requests at
the very same moment may both count as one; a limit meant to stop probing in bulk can afford
that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass
class RateLimited(Exception):
    """`key` was used more than `limit` times in the current window."""

    key: str
    limit: int
    window: int
    retry_after: int

    def __str__(self) -> str:
        minutes = max(1, -(-self.retry_after // 60))
        return (
            f"You have made {self.limit} of these checks in the last "
            f"{max(1, self.window // 60)} minutes, the most allowed. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}, "
            "or ask the front door to check for you."
        )


def rate_limit_hit(key: str, *, limit: int, window: int, now: float | None = None) -> int:
    """Count one use of `key`; return the count so far in this window, or raise RateLimited
    when it is more than `limit`. A use beyond the limit is not counted (it did nothing)."""
    if limit <= 0 or window <= 0:
        raise ValueError("limit and window must be positive")
    now = time.time() if now is None else now
    bucket = int(now // window)
    cache_key = f"ratelimit:{key}:{bucket}"
    retry_after = max(1, int((bucket + 1) * window - now))
    count = cache.get(cache_key, 0)
    if count >= limit:
        raise RateLimited(key=key, limit=limit, window=window, retry_after=retry_after)
    if cache.add(cache_key, 1, timeout=window + 1):
        return 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add and incr: start a new count
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(key=key, limit=limit, window=window, retry_after=retry_after)
    return count
