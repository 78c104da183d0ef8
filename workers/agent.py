"""The builder's agent run as a chain of tasks on the `agent` queue.

plan_run → (after approval, or at once with auto-approve) run_step × N → finish_run. Every task is
acked late and idempotent per step (engine.py), so a worker killed mid-step has the step
redelivered, and a step that already made its version is not repeated.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from vibecoder.builder import engine
from vibecoder.builder.service.queue import queue_steps
from vibecoder.infra.redis_client import get_redis
from workers.celery_app import app

log = logging.getLogger(__name__)
TASK_OPTIONS = {"acks_late": True, "ignore_result": True, "soft_time_limit": 540, "time_limit": 600}


@contextmanager
def _abort_on_error(run_id: str):
    """A bug or an outage inside a phase fails the run (event + lock released), then re-raises."""
    try:
        yield
    except Exception as exc:
        log.exception("builder run %s failed", run_id)
        engine.abort(get_redis(), run_id, f"internal error: {type(exc).__name__}: {exc}")
        raise


@app.task(name="workers.agent.plan_run", **TASK_OPTIONS)
def plan_run(run_id: str) -> None:
    with _abort_on_error(run_id):
        state = engine.plan_phase(get_redis(), run_id)
    if state is not None and state.status == "running":
        queue_steps(run_id, len(state.steps))


@app.task(name="workers.agent.approve_run", **TASK_OPTIONS)
def approve_run(run_id: str, plan: list[dict] | None = None) -> None:
    with _abort_on_error(run_id):
        state = engine.approve(get_redis(), run_id, plan=plan)
    if state is not None and state.status == "running":
        queue_steps(run_id, len(state.steps))


@app.task(name="workers.agent.run_step", **TASK_OPTIONS)
def run_step(run_id: str, index: int, generation: int = 0) -> None:
    with _abort_on_error(run_id):
        engine.step_phase(get_redis(), run_id, index, generation)


@app.task(name="workers.agent.finish_run", **TASK_OPTIONS)
def finish_run(run_id: str) -> None:
    with _abort_on_error(run_id):
        engine.finish(get_redis(), run_id)


@app.task(name="workers.agent.prepare_variation", **TASK_OPTIONS)
def prepare_variation(public_id: str, budget: int | None = None) -> None:
    """A listing variation: the listing's page as version 1, then its MODIFY run (queued)."""
    from vibecoder.builder.service import variations

    try:
        variations.prepare(public_id, budget)
    except Exception as exc:
        log.exception("variation %s could not start", public_id)
        variations.fail(public_id, f"internal error: {type(exc).__name__}")
        raise


@app.task(name="workers.agent.reap_orphaned_runs", ignore_result=True)
def reap_orphaned_runs_task() -> int:
    """Beat: runs whose worker died stop as failed (Retry-able) and free their project."""
    from vibecoder.builder.reaper import reap_orphaned_runs

    return len(reap_orphaned_runs(get_redis()))


app.conf.beat_schedule["builder-reap-orphans"] = {
    "task": "workers.agent.reap_orphaned_runs",
    "schedule": 30.0,
}
