"""Rate limits shared by every process: the `limits` library's moving window on Redis.

One small interface for every caller (sign-in, sign-up, password change, search, the license
API, reviews, reports, sandbox and builder runs):

    ratelimit.check("search", client_address, limit="120/minute", message="…")  # or raise
    ratelimit.hit("login-fail", key, limit="5/15minutes")                         # count one
    ratelimit.allowed(...), ratelimit.retry_after(...), ratelimit.clear(...)

`limit` is a `limits` rate string. The moving window is one Lua script on Redis: atomic under
any number of backend processes, and a burst at a window edge cannot pass twice the limit.
Keys that name a person (an email) are hashed before they reach Redis.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time

from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter

from vibecoder.errors import RateLimited
from vibecoder.infra.redis_client import redis_url


@functools.lru_cache(maxsize=4)
def _storage(url: str) -> Storage:
    storage = storage_from_string(url, key_prefix="vc-limits")
    assert isinstance(storage, Storage)  # a redis:// URL gives the synchronous storage
    return storage


def _limiter_now() -> RateLimiter:
    return MovingWindowRateLimiter(_storage(redis_url()))


def _quota_limiter() -> RateLimiter:
    # Quotas count thousands of units per hit (tokens): a fixed window is one INCRBY, where a
    # moving window would store one list entry per unit.
    return FixedWindowRateLimiter(_storage(redis_url()))


def _parts(name: str, key: str) -> tuple[str, str]:
    if len(key) > 64 or "@" in key:
        key = hashlib.sha256(key.encode()).hexdigest()
    return name, key


def hit(name: str, key: str, *, limit: str, cost: int = 1) -> bool:
    """Count `cost` events; False (and nothing counted) when that would pass the limit."""
    return _limiter_now().hit(parse(limit), *_parts(name, key), cost=cost)


def allowed(name: str, key: str, *, limit: str, cost: int = 1) -> bool:
    """Whether `cost` more events fit, without counting them."""
    return _limiter_now().test(parse(limit), *_parts(name, key), cost=cost)


def used(name: str, key: str, *, limit: str) -> int:
    item = parse(limit)
    stats = _limiter_now().get_window_stats(item, *_parts(name, key))
    return item.amount - stats.remaining


def retry_after(name: str, key: str, *, limit: str) -> int:
    stats = _limiter_now().get_window_stats(parse(limit), *_parts(name, key))
    return max(1, math.ceil(stats.reset_time - time.time()))


def clear(name: str, key: str, *, limit: str) -> None:
    _limiter_now().clear(parse(limit), *_parts(name, key))


def check(name: str, key: str, *, limit: str, message: str, cost: int = 1) -> None:
    """Count one event or raise RateLimited (HTTP 429 with Retry-After) when over the limit."""
    if not hit(name, key, limit=limit, cost=cost):
        raise RateLimited("rate_limited", message, retry_after=retry_after(name, key, limit=limit))


def quota_left(name: str, key: str, *, limit: str) -> int:
    """What is left of a per-window quota (e.g. "2000000/day" builder tokens)."""
    return _quota_limiter().get_window_stats(parse(limit), *_parts(name, key)).remaining


def spend_quota(name: str, key: str, *, limit: str, amount: int) -> None:
    """Count `amount` units against a quota; past its end the rest is counted up to the limit."""
    if amount <= 0:
        return
    limiter = _quota_limiter()
    item = parse(limit)
    if not limiter.hit(item, *_parts(name, key), cost=amount):
        left = limiter.get_window_stats(item, *_parts(name, key)).remaining
        if left > 0:
            limiter.hit(item, *_parts(name, key), cost=left)
