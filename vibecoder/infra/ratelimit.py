"""Fixed-window counters in Redis, shared by every process (login, sandbox, license API)."""

from __future__ import annotations

from typing import cast

import redis


def hit(client: redis.Redis, key: str, *, window_seconds: int) -> int:
    """Count one event in the window that `key` names; returns the count so far."""
    # SET NX starts the window once; INCR keeps the TTL (EXPIRE NX needs Redis 7, embedded is 6.2).
    pipe = client.pipeline()
    pipe.set(key, 0, ex=window_seconds, nx=True)
    pipe.incr(key)
    _, count = pipe.execute()
    return int(count)


# redis-py types every reply of the sync client as `Awaitable[Any] | Any` (one signature for
# the sync and asyncio clients); the casts say what the sync client returns.


def count(client: redis.Redis, key: str) -> int:
    value = cast("bytes | str | None", client.get(key))
    return int(value) if value else 0


def retry_after(client: redis.Redis, key: str) -> int:
    ttl = cast(int, client.ttl(key))
    return max(int(ttl), 1) if ttl and ttl > 0 else 1


def clear(client: redis.Redis, key: str) -> None:
    client.delete(key)
