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

import asyncio
import functools
import hashlib
import math
import time
import weakref

from limits import parse
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindowRateLimiter
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter

from vibecoder.errors import RateLimited
from vibecoder.infra.redis_client import redis_url

KEY_PREFIX = "vc-limits"


@functools.lru_cache(maxsize=4)
def _storage(url: str) -> Storage:
    storage = storage_from_string(url, key_prefix=KEY_PREFIX)
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
    return _seconds_until(stats.reset_time)


def _seconds_until(reset_time: float) -> int:
    """Retry-After: whole seconds until the window frees a slot, at least one."""
    return max(1, math.ceil(reset_time - time.time()))


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


# The same windows from async code (one per event loop: an asyncio Redis connection belongs to
# the loop that opened it). Same Lua script, same keys: a limit counted here and one counted by
# `check` above are one count.
_async_storages: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, AsyncRedisStorage]
] = weakref.WeakKeyDictionary()


def _async_limiter() -> AsyncMovingWindowRateLimiter:
    url = redis_url()
    storages = _async_storages.setdefault(asyncio.get_running_loop(), {})
    storage = storages.get(url)
    if storage is None:
        storage = storages[url] = AsyncRedisStorage(
            f"async+{url}", implementation="redispy", key_prefix=KEY_PREFIX
        )
    return AsyncMovingWindowRateLimiter(storage)


async def check_async(name: str, key: str, *, limit: str, message: str, cost: int = 1) -> None:
    """`check` without blocking the event loop: for hot async paths (the license API) that
    would otherwise hop to a worker thread only to wait on Redis."""
    limiter, item, parts = _async_limiter(), parse(limit), _parts(name, key)
    if not await limiter.hit(item, *parts, cost=cost):
        stats = await limiter.get_window_stats(item, *parts)
        raise RateLimited("rate_limited", message, retry_after=_seconds_until(stats.reset_time))
