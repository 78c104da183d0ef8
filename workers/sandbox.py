"""Untrusted code runs on the `sandbox` queue, one at a time per worker process."""

from __future__ import annotations

from sandbox.errors import SandboxBusy
from vibecoder.domain.sandbox_runs.runs import execute_run
from vibecoder.infra.db import session_scope
from vibecoder.infra.metrics import SANDBOX_RUNS
from vibecoder.infra.redis_client import get_redis
from workers.celery_app import app


@app.task(
    name="workers.sandbox.execute_run",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(SandboxBusy,),
    retry_backoff=1,
    retry_backoff_max=10,
    max_retries=30,
    # The runner enforces its own wall clock; this only catches a wedged worker.
    soft_time_limit=120,
    time_limit=150,
)
def execute_run_task(public_id: str, stdin: str, edits: dict[str, str] | None = None) -> None:
    # Idempotent: a finished run is left alone, and its analytics event is written once, with
    # the result (sandbox_runs.execute_run).
    with session_scope() as session:
        run = execute_run(
            session=session,
            redis_client=get_redis(),
            public_id=public_id,
            stdin=stdin,
            edits=edits,
        )
        if run is not None:
            SANDBOX_RUNS.labels(str(getattr(run.status, "value", run.status))).inc()


@app.task(name="workers.sandbox.reap_orphaned_runs", ignore_result=True)
def reap_orphaned_runs_task() -> int:
    """Beat: runs whose worker died get a clear failure instead of "running" forever."""
    from vibecoder.domain.sandbox_runs.reaper import reap_orphaned_runs

    with session_scope() as session:
        return len(reap_orphaned_runs(session=session, redis_client=get_redis()))


app.conf.beat_schedule["sandbox-reap-orphans"] = {
    "task": "workers.sandbox.reap_orphaned_runs",
    "schedule": 30.0,
}
