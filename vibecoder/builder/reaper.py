"""End builder runs whose worker died mid-step (SIGKILL, OOM, a restart).

A running step renews the project lock while it streams; when its worker dies the lock
expires (builder_lock_ttl_seconds). A run still "running" without holding its lock is
therefore orphaned: its step is marked failed with a message saying what happened, the run
stops as failed (so Retry re-runs that step), and the project is free again. A Celery
redelivery of the dead step later finds the step failed and the generation moved on.
"""

from __future__ import annotations

import redis

from vibecoder.builder import engine
from vibecoder.builder.run.state import RunState
from vibecoder.builder.run.step_phase import fail_step
from vibecoder.builder.runtime import STATE, lock_holder

WORKER_DIED = (
    "the builder worker stopped during this step (it was restarted); "
    "press Retry to run the step again"
)


def reap_orphaned_runs(client: redis.Redis) -> list[str]:
    """Fail every running run that no longer holds its project lock; returns their ids."""
    reaped = []
    for key in client.scan_iter(match=STATE.format("*"), count=500):
        run_id = key.split(":", 2)[-1]
        state = RunState.load(client, run_id)
        if state is None or state.status != "running":
            continue
        if lock_holder(client, state.project_id) == run_id:
            continue  # alive (or at least renewing)
        index = next((i for i, s in enumerate(state.steps) if s.status != "done"), None)
        if index is None:
            engine.finish(client, run_id, state=state)
        else:
            fail_step(client, state, index, WORKER_DIED)
        reaped.append(run_id)
    return reaped
