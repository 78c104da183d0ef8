"""End sandbox runs whose worker died mid-run (SIGKILL, OOM, a host restart).

A running run holds a lease in Redis that outlives its wall clock (runs.take_lease); when the
worker dies the lease lapses. The run is then marked failed with a message saying what happened
and what to do; its sandbox processes died with the worker (bubblewrap --die-with-parent, or
the container removed). A redelivered task later finds the run finished and does nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import redis
from sqlmodel import Session, select

from vibecoder.domain.sandbox_runs.runs import has_lease, publish_event
from vibecoder.models.sandbox import SandboxRun

ORPHANED_MESSAGE = (
    "The sandbox worker stopped during this run (it was restarted), so it has no result. "
    "Nothing of it is still running; start the run again."
)


def reap_orphaned_runs(*, session: Session, redis_client: redis.Redis) -> list[str]:
    """Fail every running run without a lease; returns their public ids."""
    reaped = []
    running = session.exec(
        select(SandboxRun).where(SandboxRun.status == "running").with_for_update(skip_locked=True)
    ).all()
    for run in running:
        if has_lease(redis_client, run.public_id):
            continue
        run.status, run.error = "failed", ORPHANED_MESSAGE
        run.finished_at = datetime.now(UTC)
        session.add(run)
        reaped.append(run.public_id)
    session.commit()
    for run in running:
        if run.public_id in reaped:
            publish_event(redis_client, run)
    return reaped
