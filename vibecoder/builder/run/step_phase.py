"""Phase 2 of a run, once per planned component: write it, verify it (FIX if needed), version it.

Idempotent: a redelivered step finds itself done, or its version already stored under the
step's run key, and moves on.
"""

from __future__ import annotations

import time

import redis

from vibecoder.builder import prompts, shadow
from vibecoder.builder.llm import Provider
from vibecoder.builder.markers import MarkerParser
from vibecoder.builder.run.lifecycle import events_of, fail, lock_of
from vibecoder.builder.run.meter import BudgetExceeded, MeteredCaller
from vibecoder.builder.run.state import RunState
from vibecoder.builder.run.verify import verify_and_fix
from vibecoder.builder.runtime import LockLost
from vibecoder.builder.service import projects as store
from vibecoder.builder.steps import StepCancelled, interface_of, run_step
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings

TOOL_FAULT_NOTE = "This is a fault of the server's tools, not of the generated code: retry the step"


def step_phase(
    client: redis.Redis, run_id: str, index: int, generation: int = 0
) -> RunState | None:
    state = RunState.load(client, run_id)
    if state is None or state.status != "running" or index >= len(state.steps):
        return state
    if generation != state.generation:
        return state  # a task of the chain a retry replaced
    step = state.steps[index]
    if step.status == "done":
        return state  # redelivered after it finished
    if any(s.status != "done" for s in state.steps[:index]):
        return state  # steps run in plan order; an earlier one has not finished
    events, lock = events_of(client, state), lock_of(client, state)
    item = state.plan[index]
    name = item.name
    started = time.perf_counter()
    try:
        lock.renew(force=True)
        call = MeteredCaller(client, state, lock, events)
        events.emit("step_started", {"index": index, "component": name}, run_id=run_id)
        before = (state.tokens_in, state.tokens_out)
        interfaces = {
            n: interface_of(state.components[n], n)
            for n in state.order
            if n in state.components and n != name
        }
        request = prompts.step_request(
            state.prompt,
            name=name,
            purpose=item.purpose,
            plan_names=state.order,
            interfaces=interfaces,
            current_code=state.base_components.get(name),
            max_tokens=get_settings().builder_step_max_tokens,
        )

        def emit(kind: str, data: dict) -> None:
            events.emit(kind, {"index": index, **data}, run_id=run_id)

        def should_stop() -> bool:
            return call.cancelled

        outcome = run_step(
            call,
            request,
            prompt=state.prompt,
            name=name,
            plan_names=state.order,
            emit=emit,
            should_stop=should_stop,
        )
        state.recovery_tokens += outcome.recovery_usage.total
        step.continuations, step.truncations = outcome.continuations, outcome.truncations
        step.fixes, step.validations = 0, []
        result = verify_and_fix(call, state, step, outcome, emit=emit, should_stop=should_stop)
        if result.error:
            return fail_step(client, state, index, result.error)
        assert result.verdict is not None and result.verdict.ok
        state.components[name] = result.code
        tokens = (state.tokens_in - before[0], state.tokens_out - before[1])
        version_id, number = _make_version(
            state, index, result.verdict, call.provider, tokens, prose=prose_of(outcome.raw)
        )
        step.status, step.version_id = "done", version_id
        step.tokens_in, step.tokens_out = tokens
        step.seconds = round(time.perf_counter() - started, 3)
        state.version_id = version_id
        state.save(client)
        emit("version_created", {"version_id": version_id, "number": number, "component": name})
        emit(
            "step_done",
            {
                "component": name,
                "continuations": step.continuations,
                "fixes": step.fixes,
                "tokens_in": tokens[0],
                "tokens_out": tokens[1],
            },
        )
        return state
    except StepCancelled:
        return fail(client, state, "cancelled by the user", status="cancelled")
    except BudgetExceeded as exc:
        return fail(client, state, str(exc), status="budget_exceeded")
    except LockLost as exc:
        return fail(client, state, str(exc))
    except shadow.ToolUnavailable as exc:
        # The server's own bundler/renderer failed, not the generated code: no FIX call (the
        # model cannot repair a missing browser), the step stops now and stays retryable.
        return fail_step(client, state, index, f"{exc}. {TOOL_FAULT_NOTE}")
    except ValueError as exc:
        return fail(client, state, str(exc))


def removal_version(client: redis.Redis, state: RunState) -> None:
    """A MODIFY that only removes components: the page without them, no model call."""
    files = shadow.assemble(state.base_components, state.order, title=state.title)
    verdict = shadow.validate(files, title=state.title, render=state.render)
    if not verdict.ok:
        raise ValueError(f"the page without {', '.join(state.removed)} failed: {verdict.error}")
    with session_scope() as session:
        version = store.create_version(
            session=session,
            project_id=state.project_id,
            files=files,
            bundle_js=verdict.js,
            css=verdict.css,
            message=f"{state.intent or 'MODIFY'} remove {', '.join(state.removed)}",
            provider=state.provider.name,
            model=state.model,
            tokens_in=0,
            tokens_out=0,
            run_key=f"{state.run_id}:remove",
        )
        state.version_id = version.id


def prose_of(raw: str, limit: int = 1000) -> str:
    """What the model said outside its components: the chat shows this, never the code."""
    parser = MarkerParser()
    events = parser.feed(raw) + parser.finish()
    return "".join(e.text for e in events if e.kind == "text").strip()[:limit]


def step_message(name: str, number: int, prose: str = "") -> str:
    """The chat message of a finished step (the page appends the same text live)."""
    done = f"{name} ready (version {number})"
    return f"{prose}\n\n{done}" if prose else done


def _make_version(
    state: RunState,
    index: int,
    verdict: shadow.ShadowResult,
    provider: Provider,
    tokens: tuple[int, int],
    *,
    prose: str = "",
) -> tuple[int, int]:
    components = {**state.base_components, **state.components}
    order = [n for n in state.order if n in components]
    order += [n for n in state.base_components if n not in order]
    files = shadow.assemble(components, order, title=state.title)
    name = state.plan[index].name
    with session_scope() as session:
        version = store.create_version(
            session=session,
            project_id=state.project_id,
            files=files,
            bundle_js=verdict.js,
            css=verdict.css,
            message=f"{state.intent or 'BUILD'} {name}: {state.prompt[:200]}",
            provider=provider.name,
            model=provider.model,
            tokens_in=tokens[0],
            tokens_out=tokens[1],
            run_key=f"{state.run_id}:{index}",
        )
        store.add_message(
            session=session,
            project_id=state.project_id,
            run_id=state.run_id,
            role="assistant",
            content=step_message(name, version.number, prose),
            intent=state.intent,
            meta={"step": index, "component": name, "version_id": version.id},
            tokens_in=tokens[0],
            tokens_out=tokens[1],
        )
        assert version.id is not None  # flushed by add_version
        return version.id, version.number


def fail_step(client: redis.Redis, state: RunState, index: int, error: str) -> RunState:
    """Mark step `index` failed with `error` and stop the run (Retry re-runs that step)."""
    step = state.steps[index]
    step.status, step.error = "failed", error
    return fail(client, state, f"step {index + 1} ({step.name}) failed: {error}")
