"""A run's life around its phases: start, approval, retry, failure, finish, the summary.

Each function takes the run id (or its loaded state) and is idempotent, so a redelivered task
finds the run where the last one left it.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import redis

from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.planning import validate_plan
from vibecoder.builder.run.state import ACTIVE, FINAL, PlanEntry, RunState, StepState
from vibecoder.builder.runtime import CANCEL, EventStream, ProjectBusy, ProjectLock
from vibecoder.builder.service import projects as store
from vibecoder.infra.db import session_scope
from vibecoder.models.builder import BuilderProject
from vibecoder.settings import get_settings


class NotRetryable(Exception):
    pass


def events_of(client: redis.Redis, state: RunState) -> EventStream:
    return EventStream(client, state.public_id, maxlen=get_settings().builder_stream_maxlen)


def lock_of(client: redis.Redis, state: RunState) -> ProjectLock:
    return ProjectLock(
        client, state.project_id, state.run_id, get_settings().builder_lock_ttl_seconds
    )


def start_run(
    client: redis.Redis,
    *,
    project_id: int,
    prompt: str,
    provider: ProviderConfig,
    auto_approve: bool = False,
    render: bool = True,
    quota_owner_id: int | None = None,
    budget: int | None = None,
) -> RunState:
    """Take the project lock and record the request; ProjectBusy when a run is under way.

    `quota_owner_id` is whose daily tokens the run spends when that is not the project's owner
    (a listing variation: the project is the hidden variations account's, the visitor pays);
    `budget` replaces the server's per-run token budget (a variation has its own).
    """
    run_id = secrets.token_hex(8)
    with session_scope() as session:
        project = session.get(BuilderProject, project_id)
        if project is None:
            raise LookupError("no such project")
        public_id, title, owner_id = project.public_id, project.name, project.owner_id
    state = RunState(
        run_id=run_id,
        project_id=project_id,
        owner_id=quota_owner_id or owner_id,
        public_id=public_id,
        title=title,
        prompt=prompt,
        provider=provider,
        auto_approve=auto_approve,
        render=render,
        budget=get_settings().builder_run_token_budget if budget is None else budget,
    )
    lock_of(client, state).acquire()
    state.save(client)
    with session_scope() as session:
        store.add_message(
            session=session, project_id=project_id, run_id=run_id, role="user", content=prompt
        )
    # A page that reloads mid-run replays the stream from here (the run's first event).
    state.first_event = events_of(client, state).emit(
        "run_started", {"prompt": prompt}, run_id=run_id
    )
    state.save(client)
    return state


def approve(
    client: redis.Redis,
    run_id: str,
    *,
    plan: list[dict] | None = None,
    state: RunState | None = None,
) -> RunState | None:
    """The user approved (maybe edited) the plan; the run may start its steps."""
    state = state or RunState.load(client, run_id)
    if state is None or state.status != "awaiting_approval":
        return state
    if plan is not None:
        items = validate_plan({"components": plan})
        state.set_plan([PlanEntry(name=i.name, purpose=i.purpose) for i in items])
        state.order = [i.name for i in items]
    try:
        lock_of(client, state).acquire()
    except ProjectBusy:
        events_of(client, state).emit(
            "error",
            {"message": "the project is busy with another run; approve again later"},
            run_id=run_id,
        )
        return state
    state.status = "running"
    state.save(client)
    events_of(client, state).emit(
        "plan_approved", {"components": [p.as_dict() for p in state.plan]}, run_id=run_id
    )
    return state


def retry_step(
    client: redis.Redis, run_id: str, *, provider: ProviderConfig | None = None
) -> tuple[RunState, int]:
    """Re-open a run that stopped on a failed step; (state, index of the step to run again).

    The failed step and the ones after it run again (with `provider` when the user picked
    another model meanwhile); steps already done keep their versions. Bumping `generation`
    turns leftover tasks of the old chain into no-ops. NotRetryable when no step failed,
    ProjectBusy when another run holds the project.
    """
    state = RunState.load(client, run_id)
    if state is None:
        raise LookupError("no such run")
    failed = [i for i, s in enumerate(state.steps) if s.status == "failed"]
    if state.status != "failed" or not failed:
        raise NotRetryable("only a run stopped by a failed step can retry it")
    lock_of(client, state).acquire()
    index = failed[0]
    step = state.steps[index]
    state.steps[index] = StepState(name=step.name, retries=step.retries + 1)
    if provider is not None:
        state.provider = provider
    state.generation += 1
    state.status, state.error, state.finished_at = "running", None, None
    client.delete(CANCEL.format(run_id))
    state.save(client)
    events_of(client, state).emit(
        "step_retry", {"index": index, "component": step.name}, run_id=run_id
    )
    return state, index


def abort(client: redis.Redis, run_id: str, message: str) -> RunState | None:
    """An unexpected error in a phase: fail the run visibly and free the project."""
    state = RunState.load(client, run_id)
    if state is None or state.status not in ACTIVE:
        return state
    return fail(client, state, message)


def fail(client: redis.Redis, state: RunState, message: str, *, status: str = "failed") -> RunState:
    state.status, state.error = status, message
    state.save(client)
    events = events_of(client, state)
    events.emit("error", {"message": message, "status": status}, run_id=state.run_id)
    close(client, state)
    events.emit("done", {"status": status, "version_id": state.version_id}, run_id=state.run_id)
    return state


def close(client: redis.Redis, state: RunState) -> None:
    lock_of(client, state).release()
    # A retried run closes again: the project is charged only what it spent since the last close.
    spent_in = state.tokens_in - state.closed_tokens_in
    spent_out = state.tokens_out - state.closed_tokens_out
    state.closed_tokens_in, state.closed_tokens_out = state.tokens_in, state.tokens_out
    state.save(client)
    with session_scope() as session:
        store.add_tokens(
            session=session, project_id=state.project_id, tokens_in=spent_in, tokens_out=spent_out
        )
        store.add_message(
            session=session,
            project_id=state.project_id,
            run_id=state.run_id,
            role="assistant",
            content=state.answer or state.error or f"Run {state.status}",
            intent=state.intent,
            meta=summary(state),
            tokens_in=spent_in,
            tokens_out=spent_out,
        )


def finish(
    client: redis.Redis, run_id: str, *, state: RunState | None = None, status: str = "done"
) -> RunState | None:
    state = state or RunState.load(client, run_id)
    if state is None:
        return state
    if state.status in FINAL:
        return state
    if state.status == "running" and any(s.status != "done" for s in state.steps):
        return state  # a step stopped the run; it already reported
    if state.status == "running" and not state.steps and state.removed:
        from vibecoder.builder.run.step_phase import removal_version

        try:
            removal_version(client, state)
        except ValueError as exc:
            return fail(client, state, str(exc))
    state.status = status
    state.finished_at = time.time()
    state.save(client)
    close(client, state)
    events_of(client, state).emit(
        "done", {"status": status, "version_id": state.version_id}, run_id=run_id
    )
    return state


STEP_KEYS = (
    "name",
    "status",
    "continuations",
    "fixes",
    "truncations",
    "validations",
    "error",
    "version_id",
    "tokens_in",
    "tokens_out",
    "seconds",
)


def summary(state: RunState) -> dict[str, Any]:
    """What `build --json` prints and the final chat message stores."""
    return {
        "run_id": state.run_id,
        "status": state.status,
        "intent": state.intent,
        "architect": state.architect,
        "plan": [p.as_dict() for p in state.plan],
        "steps": [s.model_dump(include=set(STEP_KEYS)) for s in state.steps],
        "tokens": {
            "input": state.tokens_in,
            "output": state.tokens_out,
            "recovery": state.recovery_tokens,
            "fix": state.fix_tokens,
            "budget": state.budget,
        },
        "calls": [c.model_dump() for c in state.calls],
        "version_id": state.version_id,
        "error": state.error,
        "answer": state.answer,
        "provider": state.provider.name,
        "provider_label": (
            "Offline demo model (scripted)"
            if state.provider.name == "scripted"
            else state.provider.name
        ),
        "model": state.model,
    }
