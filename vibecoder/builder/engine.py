"""One agent run, phase by phase: start → plan → step 0..n-1 → finish.

Each phase is a plain function of the run id; the Celery tasks in workers/agent.py and the
`build` CLI call the same functions. State between phases lives in Redis (runtime.py); what is
durable (messages, versions, token counts) goes to the database. Every phase is idempotent: a
redelivered task finds its step done (or its version already stored under the step's run key)
and moves on.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable

import redis

from vibecoder.builder import prompts, shadow
from vibecoder.builder.llm import (
    FINISH_CANCELLED,
    Completion,
    ProviderConfig,
    Request,
    Usage,
    collect,
    make_provider,
)
from vibecoder.builder.markers import MarkerParser
from vibecoder.builder.planning import (
    PlanError,
    PlanItem,
    classify_intent,
    make_plan,
    needs_architect,
    validate_plan,
)
from vibecoder.builder.runtime import (
    CANCEL,
    EventStream,
    LockLost,
    ProjectBusy,
    ProjectLock,
    cancel_requested,
    load_state,
    save_state,
)
from vibecoder.builder.sections import sections_named_in
from vibecoder.builder.service import projects as store
from vibecoder.builder.steps import StepCancelled, check_component, interface_of, run_step
from vibecoder.infra import ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.models.builder import BuilderProject
from vibecoder.settings import get_settings

log = logging.getLogger(__name__)
MAX_FIXES_PER_STEP = 2

__all__ = [
    "ProjectBusy",
    "abort",
    "approve",
    "finish",
    "plan_phase",
    "retry_step",
    "start_run",
    "step_phase",
]


class BudgetExceeded(Exception):
    pass


class NotRetryable(Exception):
    pass


def _events(client: redis.Redis, state: dict) -> EventStream:
    return EventStream(client, state["public_id"], maxlen=get_settings().builder_stream_maxlen)


def _lock(client: redis.Redis, state: dict) -> ProjectLock:
    return ProjectLock(
        client, state["project_id"], state["run_id"], get_settings().builder_lock_ttl_seconds
    )


def start_run(
    client: redis.Redis,
    *,
    project_id: int,
    prompt: str,
    provider: ProviderConfig,
    auto_approve: bool = False,
    render: bool = True,
) -> dict:
    """Take the project lock and record the request; ProjectBusy when a run is under way."""
    run_id = secrets.token_hex(8)
    with session_scope() as session:
        project = session.get(BuilderProject, project_id)
        if project is None:
            raise LookupError("no such project")
        public_id, title, owner_id = project.public_id, project.name, project.owner_id
    state = {
        "run_id": run_id,
        "project_id": project_id,
        "owner_id": owner_id,
        "public_id": public_id,
        "title": title,
        "prompt": prompt,
        "provider": provider.as_dict(),
        "auto_approve": auto_approve,
        "render": render,
        "status": "queued",
        "intent": None,
        "architect": None,
        "plan": [],
        "steps": [],
        "components": {},
        "order": [],
        "base_components": {},
        "tokens_in": 0,
        "tokens_out": 0,
        "recovery_tokens": 0,
        "fix_tokens": 0,
        "budget": get_settings().builder_run_token_budget,
        "version_id": None,
        "error": None,
        "answer": None,
        "started_at": time.time(),
    }
    ProjectLock(client, project_id, run_id, get_settings().builder_lock_ttl_seconds).acquire()
    save_state(client, state)
    with session_scope() as session:
        store.add_message(
            session=session, project_id=project_id, run_id=run_id, role="user", content=prompt
        )
    # A page that reloads mid-run replays the stream from here (the run's first event).
    state["first_event"] = _events(client, state).emit(
        "run_started", {"prompt": prompt}, run_id=run_id
    )
    save_state(client, state)
    return state


# --- model calls with budget, usage and cancel --------------------------------------------------


def _daily_limit() -> str:
    return f"{get_settings().builder_daily_tokens_per_user}/day"


def daily_tokens_left(owner_id: int) -> int:
    """What the account may still spend today across all its runs (a fixed UTC-day window)."""
    return ratelimit.quota_left("builder-tokens", str(owner_id), limit=_daily_limit())


def spend_daily_tokens(owner_id: int, tokens: int) -> None:
    ratelimit.spend_quota("builder-tokens", str(owner_id), limit=_daily_limit(), amount=tokens)


def _caller(client: redis.Redis, state: dict, lock: ProjectLock):
    provider = make_provider(ProviderConfig(**state["provider"]))
    state["model"] = provider.model

    def stream(request: Request, on_chunk: Callable[[str], bool | None] | None = None):
        used = state["tokens_in"] + state["tokens_out"]
        if used >= state["budget"]:
            raise BudgetExceeded(
                f"the run's token budget ({state['budget']}) is spent ({used} tokens used)"
            )
        if state.get("owner_id") and daily_tokens_left(state["owner_id"]) <= 0:
            raise BudgetExceeded("your daily builder token quota is spent; it renews at 00:00 UTC")
        streamed = [0]

        def guard(text: str) -> bool:
            streamed[0] += len(text)
            lock.renew()
            if cancel_requested(client, state["run_id"]):
                state["cancelled"] = True
                return False
            if used + streamed[0] // 4 > state["budget"]:
                state["over_budget"] = True
                return False
            return on_chunk is None or on_chunk(text) is not False

        completion: Completion = collect(provider, request, guard)
        state["tokens_in"] += completion.usage.input_tokens
        state["tokens_out"] += completion.usage.output_tokens
        if state.get("owner_id"):
            spend_daily_tokens(
                state["owner_id"], completion.usage.input_tokens + completion.usage.output_tokens
            )
        call = {
            "purpose": request.purpose,
            "finish_reason": completion.finish_reason,
            "tokens_in": completion.usage.input_tokens,
            "tokens_out": completion.usage.output_tokens,
        }
        state.setdefault("calls", []).append(call)
        _events(client, state).emit("usage", call, run_id=state["run_id"])
        if completion.finish_reason == FINISH_CANCELLED and state.pop("over_budget", False):
            raise BudgetExceeded(
                f"the run's token budget ({state['budget']}) ran out during a model call"
            )
        if completion.finish_reason == FINISH_CANCELLED and state.get("cancelled"):
            raise StepCancelled("cancelled")
        return completion

    return provider, stream


def _fail(client: redis.Redis, state: dict, message: str, *, status: str = "failed") -> dict:
    state["status"], state["error"] = status, message
    save_state(client, state)
    events = _events(client, state)
    events.emit("error", {"message": message, "status": status}, run_id=state["run_id"])
    _close(client, state)
    events.emit(
        "done", {"status": status, "version_id": state["version_id"]}, run_id=state["run_id"]
    )
    return state


def _close(client: redis.Redis, state: dict) -> None:
    _lock(client, state).release()
    # A retried run closes again: the project is charged only what it spent since the last close.
    spent_in = state["tokens_in"] - state.get("closed_tokens_in", 0)
    spent_out = state["tokens_out"] - state.get("closed_tokens_out", 0)
    state["closed_tokens_in"], state["closed_tokens_out"] = state["tokens_in"], state["tokens_out"]
    save_state(client, state)
    with session_scope() as session:
        store.add_tokens(
            session=session,
            project_id=state["project_id"],
            tokens_in=spent_in,
            tokens_out=spent_out,
        )
        store.add_message(
            session=session,
            project_id=state["project_id"],
            run_id=state["run_id"],
            role="assistant",
            content=state.get("answer") or state.get("error") or f"Run {state['status']}",
            intent=state.get("intent"),
            meta=summary(state),
            tokens_in=spent_in,
            tokens_out=spent_out,
        )


# --- plan -------------------------------------------------------------------------------------


def plan_phase(client: redis.Redis, run_id: str) -> dict:
    state = load_state(client, run_id)
    if state is None or state["status"] != "queued":
        return state
    events, lock = _events(client, state), _lock(client, state)
    try:
        lock.renew(force=True)
        provider, stream = _caller(client, state, lock)

        def ask(request: Request) -> Completion:
            return stream(request)

        with session_scope() as session:
            project = session.get(BuilderProject, state["project_id"])
            order, components = store.current_components(session, project)
        intent = classify_intent(ask, state["prompt"], has_project=bool(order))
        state["intent"] = intent.kind
        events.emit("intent", {"intent": intent.kind, "source": intent.source}, run_id=run_id)
        if intent.kind == "REFUSE":
            state["answer"] = "I can't build that: " + intent.reason
            return finish(client, run_id, state=state, status="refused")
        if intent.kind == "QUESTION":
            answer = stream(prompts.answer_request(state["prompt"], components=order))
            state["answer"] = answer.text.strip()
            events.emit("answer", {"text": state["answer"]}, run_id=run_id)
            return finish(client, run_id, state=state, status="answered")
        if intent.kind in ("MODIFY", "FIX") and order:
            items = _concerned(state["prompt"], order, components)
            state["order"], state["base_components"] = order, components
            state["architect"] = False
        else:
            architect, why = needs_architect(state["prompt"])
            state["architect"] = architect
            if architect:
                result = make_plan(ask, state["prompt"])
                items = result.items
                if result.errors:
                    events.emit("plan_retry", {"error": result.errors[0]}, run_id=run_id)
            else:
                named = sections_named_in(state["prompt"])
                items = [PlanItem(named[0] if named else "Section", state["prompt"][:150])]
            state["order"] = [i.name for i in items]
        state["plan"] = [i.as_dict() for i in items]
        state["steps"] = [{"name": i.name, "status": "pending"} for i in items]
        state["status"] = "awaiting_approval"
        save_state(client, state)
        events.emit(
            "plan",
            {"components": state["plan"], "architect": state["architect"], "intent": intent.kind},
            run_id=run_id,
        )
        with session_scope() as session:
            store.add_message(
                session=session,
                project_id=state["project_id"],
                run_id=run_id,
                role="assistant",
                content="Plan: " + ", ".join(state["order"]),
                intent=intent.kind,
                meta={"plan": state["plan"], "architect": state["architect"]},
            )
        if state["auto_approve"]:
            return approve(client, run_id, state=state)
        # Waiting for the user: nobody works on the project meanwhile, so the lock goes.
        lock.release()
        return state
    except PlanError as exc:
        return _fail(client, state, f"planning failed: {exc}")
    except StepCancelled:
        return _fail(client, state, "cancelled by the user", status="cancelled")
    except BudgetExceeded as exc:
        return _fail(client, state, str(exc), status="budget_exceeded")
    except LockLost as exc:
        return _fail(client, state, str(exc))
    except ValueError as exc:  # provider configuration
        return _fail(client, state, str(exc))


def _concerned(message: str, order: list[str], components: dict[str, str]) -> list[PlanItem]:
    """MODIFY/FIX touch only the components the message is about (all when it names none)."""
    lowered = message.lower()
    named = [n for n in order if n.lower() in lowered]
    named += [n for n in sections_named_in(message) if n in order and n not in named]
    chosen = [n for n in order if n in named] or order
    return [PlanItem(n, f"Apply the change: {message[:150]}") for n in chosen]


def approve(
    client: redis.Redis, run_id: str, *, plan: list[dict] | None = None, state: dict | None = None
) -> dict:
    """The user approved (maybe edited) the plan; the run may start its steps."""
    state = state or load_state(client, run_id)
    if state is None or state["status"] != "awaiting_approval":
        return state
    if plan is not None:
        items = validate_plan({"components": plan})
        state["plan"] = [i.as_dict() for i in items]
        state["order"] = [i.name for i in items]
        state["steps"] = [{"name": i.name, "status": "pending"} for i in items]
    try:
        _lock(client, state).acquire()
    except ProjectBusy:
        _events(client, state).emit(
            "error",
            {"message": "the project is busy with another run; approve again later"},
            run_id=run_id,
        )
        return state
    state["status"] = "running"
    save_state(client, state)
    _events(client, state).emit("plan_approved", {"components": state["plan"]}, run_id=run_id)
    return state


# --- steps ------------------------------------------------------------------------------------


def step_phase(client: redis.Redis, run_id: str, index: int, generation: int = 0) -> dict:
    state = load_state(client, run_id)
    if state is None or state["status"] != "running" or index >= len(state["steps"]):
        return state
    if generation != state.get("generation", 0):
        return state  # a task of the chain a retry replaced
    step = state["steps"][index]
    if step["status"] == "done":
        return state  # redelivered after it finished
    if any(s["status"] != "done" for s in state["steps"][:index]):
        return state  # steps run in plan order; an earlier one has not finished
    events, lock = _events(client, state), _lock(client, state)
    item = state["plan"][index]
    name = item["name"]
    started = time.perf_counter()
    try:
        lock.renew(force=True)
        provider, stream = _caller(client, state, lock)
        events.emit("step_started", {"index": index, "component": name}, run_id=run_id)
        before = (state["tokens_in"], state["tokens_out"])
        interfaces = {
            n: interface_of(state["components"][n], n)
            for n in state["order"]
            if n in state["components"] and n != name
        }
        current = state["base_components"].get(name)
        request = prompts.step_request(
            state["prompt"],
            name=name,
            purpose=item["purpose"],
            plan_names=state["order"],
            interfaces=interfaces,
            current_code=current,
            max_tokens=get_settings().builder_step_max_tokens,
        )

        def emit(kind: str, data: dict) -> None:
            events.emit(kind, {"index": index, **data}, run_id=run_id)

        outcome = run_step(
            stream,
            request,
            prompt=state["prompt"],
            name=name,
            plan_names=state["order"],
            emit=emit,
            should_stop=lambda: bool(state.get("cancelled")),
        )
        state["recovery_tokens"] += outcome.recovery_usage.total
        step.update(
            continuations=outcome.continuations,
            truncations=outcome.truncations,
            fixes=0,
            validations=[],
        )
        code, error = outcome.code, outcome.error
        if not outcome.ok and outcome.continuations >= 3:
            return _step_failed(client, state, index, error)
        verdict = None
        if outcome.ok:
            emit("validating", {"component": name})
            verdict = _validate(state, name, code)
            step["validations"].append(verdict.as_dict())
            error = "" if verdict.ok else verdict.error
            _emit_validation(emit, name, verdict)
        else:
            _standalone_failure(emit, step, name, error)
        errors_seen = [error] if error else []
        # Bounded FIX: at most two per step. Each one repairs the step's own candidate with the
        # latest error; a fix's output is never itself sent back as the code to fix.
        candidate = code or outcome.raw
        while error and step["fixes"] < MAX_FIXES_PER_STEP:
            step["fixes"] += 1
            emit("fix_started", {"component": name, "attempt": step["fixes"], "error": error})
            fix = prompts.fix_request(
                state["prompt"],
                name=name,
                code=candidate,
                error=error,
                plan_names=state["order"],
                max_tokens=get_settings().builder_step_max_tokens,
            )
            fix_before = state["tokens_in"] + state["tokens_out"]
            fixed = run_step(
                stream,
                fix,
                prompt=state["prompt"],
                name=name,
                plan_names=state["order"],
                emit=emit,
                should_stop=lambda: bool(state.get("cancelled")),
            )
            state["fix_tokens"] += state["tokens_in"] + state["tokens_out"] - fix_before
            step["continuations"] += fixed.continuations
            if not fixed.ok:
                new_error = fixed.error
                _standalone_failure(emit, step, name, new_error)
            else:
                emit("validating", {"component": name})
                verdict = _validate(state, name, fixed.code)
                step["validations"].append(verdict.as_dict())
                _emit_validation(emit, name, verdict)
                new_error = "" if verdict.ok else verdict.error
                code = fixed.code
            if new_error and _same_error(new_error, errors_seen):
                error = f"the same error came back after a fix: {new_error}"
                break
            errors_seen.append(new_error)
            error = new_error
        if error:
            return _step_failed(client, state, index, error)
        assert verdict is not None and verdict.ok
        state["components"][name] = code
        tokens = (state["tokens_in"] - before[0], state["tokens_out"] - before[1])
        version_id, number = _make_version(
            state, index, verdict, provider, tokens, prose=prose_of(outcome.raw)
        )
        step.update(
            status="done",
            version_id=version_id,
            tokens_in=tokens[0],
            tokens_out=tokens[1],
            seconds=round(time.perf_counter() - started, 3),
        )
        state["version_id"] = version_id
        save_state(client, state)
        emit("version_created", {"version_id": version_id, "number": number, "component": name})
        emit(
            "step_done",
            {
                "component": name,
                "continuations": step["continuations"],
                "fixes": step["fixes"],
                "tokens_in": tokens[0],
                "tokens_out": tokens[1],
            },
        )
        return state
    except StepCancelled:
        return _fail(client, state, "cancelled by the user", status="cancelled")
    except BudgetExceeded as exc:
        return _fail(client, state, str(exc), status="budget_exceeded")
    except LockLost as exc:
        return _fail(client, state, str(exc))
    except (shadow.RuntimeMissing, ValueError) as exc:
        return _fail(client, state, str(exc))


def retry_step(
    client: redis.Redis, run_id: str, *, provider: ProviderConfig | None = None
) -> tuple[dict, int]:
    """Re-open a run that stopped on a failed step; (state, index of the step to run again).

    The failed step and the ones after it run again (with `provider` when the user picked
    another model meanwhile); steps already done keep their versions. Bumping `generation`
    turns leftover tasks of the old chain into no-ops. NotRetryable when no step failed,
    ProjectBusy when another run holds the project.
    """
    state = load_state(client, run_id)
    if state is None:
        raise LookupError("no such run")
    failed = [i for i, s in enumerate(state.get("steps") or []) if s["status"] == "failed"]
    if state["status"] != "failed" or not failed:
        raise NotRetryable("only a run stopped by a failed step can retry it")
    _lock(client, state).acquire()
    index = failed[0]
    step = state["steps"][index]
    state["steps"][index] = {
        "name": step["name"],
        "status": "pending",
        "retries": step.get("retries", 0) + 1,
    }
    if provider is not None:
        state["provider"] = provider.as_dict()
    state["generation"] = state.get("generation", 0) + 1
    state.update(status="running", error=None)
    state.pop("finished_at", None)
    client.delete(CANCEL.format(run_id))
    save_state(client, state)
    _events(client, state).emit(
        "step_retry", {"index": index, "component": step["name"]}, run_id=run_id
    )
    return state, index


def abort(client: redis.Redis, run_id: str, message: str) -> dict | None:
    """An unexpected error in a phase: fail the run visibly and free the project."""
    state = load_state(client, run_id)
    if state is None or state["status"] not in ("queued", "awaiting_approval", "running"):
        return state
    return _fail(client, state, message)


def _same_error(error: str, seen: list[str]) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\d+", "#", text.split(" (", 1)[0])[:200]

    return any(norm(error) == norm(old) for old in seen if old)


def _standalone_failure(emit, step: dict, name: str, error: str) -> None:
    """A component that failed its own checks (syntax scan, imports, size) before bundling."""
    verdict = shadow.ShadowResult(ok=False, stage="component", error=error, kind="component")
    step["validations"].append(verdict.as_dict())
    _emit_validation(emit, name, verdict)


def _emit_validation(emit, name: str, verdict: shadow.ShadowResult) -> None:
    kind = "validation_passed" if verdict.ok else "validation_failed"
    emit(kind, {"component": name, **verdict.as_dict()})


def _validate(state: dict, name: str, code: str) -> shadow.ShadowResult:
    """Standalone check, then the whole app as it would be with this component applied."""
    problem = check_component(code, name)
    if problem:
        return shadow.ShadowResult(ok=False, stage="component", error=problem, kind="component")
    components = {**state["base_components"], **state["components"], name: code}
    order = [n for n in state["order"] if n in components]
    for n in state["base_components"]:
        if n not in order:
            order.append(n)
    files = shadow.assemble(components, order, title=state["title"])
    return shadow.validate(files, title=state["title"], render=state.get("render", True))


def prose_of(raw: str, limit: int = 1000) -> str:
    """What the model said outside its components: the chat shows this, never the code."""
    parser = MarkerParser()
    events = parser.feed(raw) + parser.finish()
    return "".join(e.text for e in events if e.kind == "text").strip()[:limit]


def step_message(name: str, number: int, prose: str = "") -> str:
    """The chat message of a finished step (the page appends the same text live)."""
    done = f"{name} ready (version {number})"
    return f"{prose}\n\n{done}" if prose else done


def _make_version(state, index, verdict, provider, tokens, *, prose: str = "") -> tuple[int, int]:
    components = {**state["base_components"], **state["components"]}
    order = [n for n in state["order"] if n in components]
    order += [n for n in state["base_components"] if n not in order]
    files = shadow.assemble(components, order, title=state["title"])
    name = state["plan"][index]["name"]
    with session_scope() as session:
        version = store.create_version(
            session=session,
            project_id=state["project_id"],
            files=files,
            bundle_js=verdict.js,
            css=verdict.css,
            message=f"{state['intent'] or 'BUILD'} {name}: {state['prompt'][:200]}",
            provider=provider.name,
            model=provider.model,
            tokens_in=tokens[0],
            tokens_out=tokens[1],
            run_key=f"{state['run_id']}:{index}",
        )
        store.add_message(
            session=session,
            project_id=state["project_id"],
            run_id=state["run_id"],
            role="assistant",
            content=step_message(name, version.number, prose),
            intent=state["intent"],
            meta={"step": index, "component": name, "version_id": version.id},
            tokens_in=tokens[0],
            tokens_out=tokens[1],
        )
        return version.id, version.number


def _step_failed(client, state, index, error) -> dict:
    step = state["steps"][index]
    step.update(status="failed", error=error)
    name = step["name"]
    return _fail(client, state, f"step {index + 1} ({name}) failed: {error}")


# --- finish -----------------------------------------------------------------------------------


def finish(client: redis.Redis, run_id: str, *, state: dict | None = None, status="done") -> dict:
    state = state or load_state(client, run_id)
    if state is None:
        return state
    if state["status"] in ("done", "failed", "cancelled", "budget_exceeded", "refused", "answered"):
        return state
    if state["status"] == "running" and any(s["status"] != "done" for s in state["steps"]):
        return state  # a step stopped the run; it already reported
    state["status"] = status
    state["finished_at"] = time.time()
    save_state(client, state)
    _close(client, state)
    _events(client, state).emit(
        "done", {"status": status, "version_id": state["version_id"]}, run_id=run_id
    )
    return state


def summary(state: dict) -> dict:
    """What `build --json` prints and the final chat message stores."""
    return {
        "run_id": state["run_id"],
        "status": state["status"],
        "intent": state.get("intent"),
        "architect": state.get("architect"),
        "plan": state.get("plan", []),
        "steps": [
            {
                k: s.get(k)
                for k in (
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
                if k in s
            }
            for s in state.get("steps", [])
        ],
        "tokens": {
            "input": state["tokens_in"],
            "output": state["tokens_out"],
            "recovery": state.get("recovery_tokens", 0),
            "fix": state.get("fix_tokens", 0),
            "budget": state.get("budget"),
        },
        "calls": state.get("calls", []),
        "version_id": state.get("version_id"),
        "error": state.get("error"),
        "answer": state.get("answer"),
        "provider": state["provider"]["name"],
        "provider_label": (
            "Offline demo model (scripted)"
            if state["provider"]["name"] == "scripted"
            else state["provider"]["name"]
        ),
        "model": state.get("model"),
    }


def run_inline(client: redis.Redis, run_id: str) -> dict:
    """Every phase in this process, in order (the CLI without a worker, and tests)."""
    state = plan_phase(client, run_id)
    if state is None or state["status"] != "running":
        return state
    for index in range(len(state["steps"])):
        state = step_phase(client, run_id, index)
        if state["status"] != "running":
            return state
    return finish(client, run_id)


def usage_of(state: dict) -> Usage:
    return Usage(state["tokens_in"], state["tokens_out"])
