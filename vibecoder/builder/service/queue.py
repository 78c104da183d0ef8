"""Queueing an agent run's phases on the `agent` queue, by task name (see infra/dispatch).

plan → (after approval, or at once with auto-approve) one step task per component → finish.
The builder service, the CLI and the agent tasks themselves all queue through here, so the
task names and the shape of the step chain are written down once.
"""

from __future__ import annotations

from vibecoder.infra import dispatch

PLAN = "workers.agent.plan_run"
APPROVE = "workers.agent.approve_run"
STEP = "workers.agent.run_step"
FINISH = "workers.agent.finish_run"


def queue_plan(run_id: str) -> None:
    dispatch.send(PLAN, run_id)


def queue_approval(run_id: str, plan: list[dict] | None = None) -> None:
    dispatch.send(APPROVE, run_id, plan)


def queue_steps(run_id: str, steps: int, *, start: int = 0, generation: int = 0) -> None:
    """Steps start..steps-1 then finish; `generation` > 0 for the chain of a retried step."""
    dispatch.send_chain(
        [(STEP, (run_id, index, generation)) for index in range(start, steps)]
        + [(FINISH, (run_id,))]
    )
