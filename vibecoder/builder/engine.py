"""One agent run, phase by phase: start → plan → step 0..n-1 → finish.

Each phase is a plain function of the run id; the Celery tasks in workers/agent.py and the
`build` CLI call the same functions. State between phases is a typed `RunState` in Redis
(run/state.py); what is durable (messages, versions, token counts) goes to the database. Every
phase is idempotent: a redelivered task finds its step done (or its version already stored
under the step's run key) and moves on. The parts live in vibecoder/builder/run/.
"""

from __future__ import annotations

import redis

from vibecoder.builder.llm import Usage
from vibecoder.builder.run.lifecycle import (
    NotRetryable,
    abort,
    approve,
    finish,
    retry_step,
    start_run,
    summary,
)
from vibecoder.builder.run.meter import BudgetExceeded, daily_tokens_left, spend_daily_tokens
from vibecoder.builder.run.plan_phase import plan_phase
from vibecoder.builder.run.state import RunState
from vibecoder.builder.run.step_phase import prose_of, step_message, step_phase
from vibecoder.builder.runtime import ProjectBusy

__all__ = [
    "BudgetExceeded",
    "daily_tokens_left",
    "spend_daily_tokens",
    "NotRetryable",
    "ProjectBusy",
    "RunState",
    "abort",
    "approve",
    "finish",
    "plan_phase",
    "prose_of",
    "retry_step",
    "run_inline",
    "start_run",
    "step_message",
    "step_phase",
    "summary",
    "usage_of",
]


def run_inline(client: redis.Redis, run_id: str) -> RunState | None:
    """Every phase in this process, in order (the CLI without a worker, and tests)."""
    state = plan_phase(client, run_id)
    if state is None or state.status != "running":
        return state
    for index in range(len(state.steps)):
        state = step_phase(client, run_id, index)
        if state is None or state.status != "running":
            return state
    return finish(client, run_id)


def usage_of(state: RunState) -> Usage:
    return Usage(state.tokens_in, state.tokens_out)
