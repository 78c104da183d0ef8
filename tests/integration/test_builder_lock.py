"""The project lock: one run per project, expiry, renewal only by its holder; the event stream."""

from __future__ import annotations

import time

import pytest

from vibecoder.builder.runtime import EventStream, LockLost, ProjectBusy, ProjectLock


def test_lock_is_exclusive_renewable_and_expires(redis_client):
    first = ProjectLock(redis_client, 7, "run-a", ttl=0.5)
    second = ProjectLock(redis_client, 7, "run-b", ttl=0.5)
    first.acquire()
    with pytest.raises(ProjectBusy) as busy:
        second.acquire()
    assert busy.value.holder == "run-a"
    first.acquire()  # the same run (a retried task) may take it again
    time.sleep(0.3)
    first.renew(force=True)
    time.sleep(0.3)
    assert first.holder() == "run-a"  # renewed past its first expiry
    assert not second.release()  # nobody else can delete it
    time.sleep(0.6)
    assert first.holder() is None  # a crashed run's lock expires
    second.acquire()
    with pytest.raises(LockLost):
        first.renew(force=True)
    assert second.release() and second.holder() is None


def test_event_stream_replays_after_an_id_and_is_trimmed(redis_client):
    stream = EventStream(redis_client, "p1", maxlen=100)
    ids = [stream.emit("token", {"text": str(i)}, run_id="r") for i in range(300)]
    events = stream.read()
    assert 100 <= len(events) < 300  # approximate trimming keeps at least maxlen
    assert [e["text"] for _, e in stream.read(ids[-3])] == ["298", "299"]
    assert stream.wait(ids[-1], block_ms=50) == []
