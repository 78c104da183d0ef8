"""Worker heartbeats in Redis, so readiness checks read one key instead of pinging workers.

A Celery broadcast ping (`app.control.ping`) waits out its whole timeout on every call and
borrows a broker connection from the producer pool; a load balancer calling it on every backend
every few seconds leaked that pool (issue 15). Instead every worker's main process writes
`now` into a sorted set every few seconds, and readiness asks "was anyone seen in the last N s?"
with a single ZCOUNT.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import cast

import redis

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "vc:workers:heartbeat"
# Per worker: which queues it consumes (for the operator; readiness only needs one live worker).
QUEUES_KEY = "vc:workers:queues"


def publish(
    client: redis.Redis, *, worker: str, queues: str = "", now: float | None = None
) -> None:
    now = time.time() if now is None else now
    pipe = client.pipeline(transaction=False)
    pipe.zadd(HEARTBEAT_KEY, {worker: now})
    if queues:
        pipe.hset(QUEUES_KEY, worker, queues)
    # Workers that went away for good drop out instead of growing the set forever.
    pipe.zremrangebyscore(HEARTBEAT_KEY, "-inf", now - 24 * 3600)
    pipe.execute()


def forget(client: redis.Redis, *, worker: str) -> None:
    """A worker that shuts down cleanly stops counting at once."""
    pipe = client.pipeline(transaction=False)
    pipe.zrem(HEARTBEAT_KEY, worker)
    pipe.hdel(QUEUES_KEY, worker)
    pipe.execute()


def live_workers(client: redis.Redis, *, within_seconds: float, now: float | None = None) -> int:
    now = time.time() if now is None else now
    # redis-py types replies of the sync client as `Awaitable[Any] | Any` (one signature for
    # both clients); the sync client returns the count.
    return int(cast(int, client.zcount(HEARTBEAT_KEY, now - within_seconds, "+inf")))


class HeartbeatThread(threading.Thread):
    """Publishes every `interval` seconds until stopped; Redis errors are logged, not fatal
    (a Redis restart must not kill the worker; the next beat succeeds once it is back)."""

    def __init__(self, client: redis.Redis, *, worker: str, queues: str, interval: float):
        super().__init__(name="vc-heartbeat", daemon=True)
        self.client = client
        self.worker = worker
        self.queues = queues
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                publish(self.client, worker=self.worker, queues=self.queues)
            except redis.RedisError as exc:
                log.warning("worker heartbeat failed: %s", type(exc).__name__)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        with contextlib.suppress(redis.RedisError):
            forget(self.client, worker=self.worker)
