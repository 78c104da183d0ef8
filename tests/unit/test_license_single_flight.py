"""The license cache's single flight: when a key's entry expires under load, one thread looks
it up and the others share that answer instead of each querying Postgres (profiled in
docs/performance.md: most of a backend's license time was such duplicate lookups)."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from vibecoder.domain.commerce import license_cache

_asking = threading.local()


def _answer() -> dict:
    # As the real lookup does: the answer carries the key its caller sent.
    key = getattr(_asking, "key", "KEY")
    return {"valid": True, "license_key": {"id": 7, "status": "active", "key": key}}


def test_concurrent_misses_share_one_lookup_and_get_their_own_key_back():
    slot_key = uuid.uuid4().hex
    calls: list[int] = []
    gate = threading.Event()

    def compute() -> dict:
        calls.append(1)
        gate.wait(5)  # the other threads arrive while this lookup is in flight
        return _answer()

    def ask(i: int) -> dict:
        _asking.key = f"KEY-{i}"
        return license_cache.cached_validate(
            key_hash=slot_key, key=f"KEY-{i}", instance_id="", compute=compute
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(ask, i) for i in range(8)]
        time.sleep(0.3)
        gate.set()
        answers = [f.result(timeout=10) for f in futures]
    assert len(calls) == 1
    assert [a["license_key"]["key"] for a in answers] == [f"KEY-{i}" for i in range(8)]
    assert all(a["valid"] and a["license_key"]["id"] == 7 for a in answers)


def test_a_failed_lookup_is_never_shared_each_waiter_asks_itself():
    slot_key = uuid.uuid4().hex
    calls: list[int] = []
    gate = threading.Event()

    def compute() -> dict:
        calls.append(1)
        if len(calls) == 1:
            gate.wait(5)
            raise LookupError("database went away")
        return _answer()

    def ask() -> dict:
        return license_cache.cached_validate(
            key_hash=slot_key, key="KEY", instance_id="", compute=compute
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        leader = pool.submit(ask)
        time.sleep(0.2)
        followers = [pool.submit(ask) for _ in range(3)]
        time.sleep(0.2)
        gate.set()
        with pytest.raises(LookupError):
            leader.result(timeout=10)
        answers = [f.result(timeout=10) for f in followers]
    assert all(a["valid"] for a in answers)
    assert len(calls) >= 2  # the followers looked it up again rather than take an error
