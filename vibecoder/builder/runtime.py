"""Redis side of a run: the project lock, cancel flags, run state and the event stream.

* Lock: `builder:lock:{project}` holds the run id, set NX with an expiry and renewed while the run
  streams; renew and release are compare-and-set scripts, so a run that lost its lock (expired,
  taken over) cannot extend or delete someone else's.
* Cancel: `builder:cancel:{run}`; the stream callback reads it on every chunk.
* Run state: `builder:run:{run}` as JSON, what the Celery tasks of one run share.
* Events: a Redis Stream per project, `builder:events:{public_id}`, JSON in field `e`; a browser
  that reconnects reads from the last id it saw and replays what it missed.
"""

from __future__ import annotations

import json
import time
from typing import Any, cast

import redis

LOCK = "builder:lock:{}"
CANCEL = "builder:cancel:{}"
STATE = "builder:run:{}"
EVENTS = "builder:events:{}"
STATE_TTL = 7 * 24 * 3600

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class ProjectBusy(Exception):
    def __init__(self, holder: str | None):
        super().__init__("another agent run is working on this project")
        self.holder = holder


class LockLost(Exception):
    pass


class ProjectLock:
    def __init__(self, client: redis.Redis, project_id: int, run_id: str, ttl: float):
        self.client, self.key, self.run_id = client, LOCK.format(project_id), run_id
        self.ttl_ms = int(ttl * 1000)
        self._last_renew = 0.0

    def acquire(self) -> None:
        if self.client.set(self.key, self.run_id, nx=True, px=self.ttl_ms):
            self._last_renew = time.monotonic()
            return
        holder = self.client.get(self.key)
        if holder == self.run_id:  # a retried task of the same run
            self.renew(force=True)
            return
        raise ProjectBusy(holder)

    def renew(self, *, force: bool = False) -> None:
        """Extend the expiry (at most every few seconds unless forced); LockLost if not ours."""
        now = time.monotonic()
        if not force and now - self._last_renew < min(5.0, self.ttl_ms / 3000):
            return
        if not self.client.eval(_RENEW, 1, self.key, self.run_id, self.ttl_ms):
            raise LockLost(f"the project lock of run {self.run_id} expired or was taken")
        self._last_renew = now

    def release(self) -> bool:
        return bool(self.client.eval(_RELEASE, 1, self.key, self.run_id))

    def holder(self) -> str | None:
        return cast("str | None", self.client.get(self.key))


# redis-py types every reply of the sync client as `Awaitable[Any] | Any` (one signature for
# the sync and asyncio clients); the casts say what the sync client (decode_responses) returns.


def lock_holder(client: redis.Redis, project_id: int) -> str | None:
    return cast("str | None", client.get(LOCK.format(project_id)))


def request_cancel(client: redis.Redis, run_id: str) -> None:
    client.set(CANCEL.format(run_id), "1", ex=STATE_TTL)


def cancel_requested(client: redis.Redis, run_id: str) -> bool:
    return bool(client.exists(CANCEL.format(run_id)))


def load_state(client: redis.Redis, run_id: str) -> dict | None:
    raw = client.get(STATE.format(run_id))
    return json.loads(raw) if raw else None


def save_state(client: redis.Redis, state: dict) -> None:
    client.set(STATE.format(state["run_id"]), json.dumps(state), ex=STATE_TTL)


class EventStream:
    def __init__(self, client: redis.Redis, public_id: str, *, maxlen: int = 5000):
        self.client, self.key, self.maxlen = client, EVENTS.format(public_id), maxlen

    def emit(self, kind: str, data: dict | None = None, *, run_id: str | None = None) -> str:
        event = {"type": kind, "run_id": run_id, "ts": round(time.time(), 3), **(data or {})}
        return cast(
            str,
            self.client.xadd(
                self.key, {"e": json.dumps(event)}, maxlen=self.maxlen, approximate=True
            ),
        )

    def read(self, after: str = "0-0", *, count: int = 10_000) -> list[tuple[str, dict]]:
        """Events after the given id (exclusive): what a reconnecting browser missed."""
        start = "(" + after if after not in ("0", "0-0", "-") else "-"
        return [
            (event_id, json.loads(fields["e"]))
            for event_id, fields in self.client.xrange(self.key, start, "+", count=count)
        ]

    def wait(self, after: str, *, block_ms: int = 1000) -> list[tuple[str, dict]]:
        answer = cast(list[Any], self.client.xread({self.key: after}, block=block_ms, count=1000))
        if not answer:
            return []
        return [(event_id, json.loads(fields["e"])) for event_id, fields in answer[0][1]]
