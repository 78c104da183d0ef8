"""A short-lived, in-process cache of license `validate` answers: the API's hot path.

Apps check their key at start-up and often on a timer, so the same few keys are validated over
and over; each answer costs two queries. Here an answer is kept for `license_cache_seconds`
(default 0.5 s) in the process that computed it:

* Staleness is bounded by the TTL in every process, whoever changed the key: a refund applied by
  a Celery worker, an admin, another backend. With the default a refunded, expired or
  deactivated key is refused within half a second everywhere (the issue's bound is one second).
* A change made in this process (activate, deactivate, increment-usage, refund, expiry) drops
  the key's entries as soon as its transaction commits, so its own next answer is fresh. Before
  the commit nothing is dropped early: a validate racing the change would cache the old row again.
* A key never expires inside the cache: an entry lives no longer than the key's `expires_at`.
* No secret is held: entries are keyed by the key's SHA-256 and the answer is stored without the
  key, which is put back from the request. Only successful answers are cached (a valid key, or a
  disabled/expired one); an unknown key or instance is always looked up (and rate limited).

Only in-process memory: nothing of it goes to Redis or logs, and a restart simply starts cold.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from vibecoder.settings import get_settings

# Bounded: a flood of distinct keys evicts the oldest entries, never grows memory.
MAX_ENTRIES = 20_000
_PENDING = "license_cache_forget"

_lock = threading.Lock()
# (key hash, instance id) -> (monotonic deadline, license id, answer without the key)
_entries: OrderedDict[tuple[str, str], tuple[float, int, dict[str, Any]]] = OrderedDict()
# How long a request waits for another thread's lookup of the same key before doing its own.
FLIGHT_WAIT_SECONDS = 5.0


class _Flight:
    """One lookup in progress for a key: the requests that miss meanwhile wait for its answer."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: dict[str, Any] | None = None


# Single flight: when an entry expires under load, every thread that asked at that moment used
# to run the same two queries at once (profiled: most of a backend's license time was threads
# waiting on Postgres for answers another thread was already fetching).
_flights: dict[tuple[str, str], _Flight] = {}


def _ttl() -> float:
    return max(0.0, float(get_settings().license_cache_seconds))


def cached_validate(
    *, key_hash: str, key: str, instance_id: str, compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The cached answer for this key and instance, or `compute()`'s (cached when it succeeds)."""
    ttl = _ttl()
    if ttl <= 0:
        return compute()
    slot = (key_hash, instance_id)
    now = time.monotonic()
    with _lock:
        stored = _live(slot, now)
        if stored is not None:
            return _with_key(stored, key)
        flight = _flights.get(slot)
        leader = flight is None
        if flight is None:
            flight = _flights[slot] = _Flight()
    if not leader:
        # Another thread is looking this key up right now: its answer is as fresh as ours.
        if flight.done.wait(FLIGHT_WAIT_SECONDS) and flight.answer is not None:
            return _with_key(flight.answer, key)
        return compute()  # it failed (an error is never shared) or is stuck: ask ourselves
    try:
        answer = compute()
        flight.answer = _store(slot, answer, now, ttl)
        return answer
    finally:
        with _lock:
            _flights.pop(slot, None)
        flight.done.set()


def cached_answer(*, key_hash: str, key: str, instance_id: str) -> dict[str, Any] | None:
    """The live cached answer, or None: a dict lookup that never waits for a lookup in flight
    or for the database, so the API can answer a hit on its event loop without a thread hop."""
    if _ttl() <= 0:
        return None
    with _lock:
        stored = _live((key_hash, instance_id), time.monotonic())
    return None if stored is None else _with_key(stored, key)


def _live(slot: tuple[str, str], now: float) -> dict[str, Any] | None:
    """Under `_lock`: the stored answer for `slot` while its entry is live."""
    hit = _entries.get(slot)
    return hit[2] if hit is not None and hit[0] > now else None


def _store(slot: tuple[str, str], answer: dict[str, Any], now: float, ttl: float) -> dict[str, Any]:
    block = answer.get("license_key") or {}
    deadline = now + ttl
    expires_at = block.get("expires_at")
    if expires_at:
        # A key about to expire is cached no longer than its remaining life.
        left = (datetime.fromisoformat(expires_at) - datetime.now(UTC)).total_seconds()
        deadline = min(deadline, now + max(0.0, left))
    stored = copy.deepcopy(answer)
    if isinstance(stored.get("license_key"), dict):
        stored["license_key"].pop("key", None)
    with _lock:
        _entries[slot] = (deadline, int(block.get("id") or 0), stored)
        _entries.move_to_end(slot)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return stored


def _with_key(stored: dict[str, Any], key: str) -> dict[str, Any]:
    answer = copy.deepcopy(stored)
    if isinstance(answer.get("license_key"), dict):
        answer["license_key"]["key"] = key
    return answer


def forget_license(license_id: int) -> None:
    """Drop every cached answer about this license (all its instances), now."""
    with _lock:
        for slot in [s for s, (_, lid, _) in _entries.items() if lid == license_id]:
            del _entries[slot]


def forget_after_commit(session: Session, license_id: int) -> None:
    """Drop this license's cached answers when `session` commits (nothing if it rolls back)."""
    pending: set[int] = session.info.setdefault(_PENDING, set())
    pending.add(license_id)


def clear() -> None:
    with _lock:
        _entries.clear()


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    for license_id in session.info.pop(_PENDING, ()):
        forget_license(license_id)


# A rolled-back change leaves its ids pending: dropping them at a later commit costs one miss.
