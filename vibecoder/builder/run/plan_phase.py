"""Phase 1 of a run: intent, then the answer (QUESTION), a refusal, or the plan to approve."""

from __future__ import annotations

import redis

from vibecoder.builder import prompts
from vibecoder.builder.intent import classify_intent
from vibecoder.builder.llm import Completion, Request
from vibecoder.builder.planning import (
    PlanError,
    PlanItem,
    make_plan,
    needs_architect,
    sections_named_in,
)
from vibecoder.builder.run.lifecycle import approve, events_of, fail, finish, lock_of
from vibecoder.builder.run.meter import BudgetExceeded, MeteredCaller
from vibecoder.builder.run.state import PlanEntry, RunState
from vibecoder.builder.runtime import LockLost
from vibecoder.builder.service import projects as store
from vibecoder.builder.steps import StepCancelled
from vibecoder.infra.db import session_scope
from vibecoder.models.builder import BuilderProject


def plan_phase(client: redis.Redis, run_id: str) -> RunState | None:
    state = RunState.load(client, run_id)
    if state is None or state.status != "queued":
        return state
    events, lock = events_of(client, state), lock_of(client, state)
    try:
        lock.renew(force=True)
        call = MeteredCaller(client, state, lock, events)

        def ask(request: Request) -> Completion:
            return call(request)

        with session_scope() as session:
            project = session.get(BuilderProject, state.project_id)
            order, components = store.current_components(session, project)
        intent = classify_intent(ask, state.prompt, has_project=bool(order))
        state.intent = intent.kind
        events.emit("intent", {"intent": intent.kind, "source": intent.source}, run_id=run_id)
        if intent.kind == "REFUSE":
            state.answer = "I can't build that: " + intent.reason
            return finish(client, run_id, state=state, status="refused")
        if intent.kind == "QUESTION":
            answer = call(prompts.answer_request(state.prompt, components=order))
            state.answer = answer.text.strip()
            events.emit("answer", {"text": state.answer}, run_id=run_id)
            return finish(client, run_id, state=state, status="answered")
        if intent.kind in ("MODIFY", "FIX") and order:
            items = concerned_components(state.prompt, order, components)
            state.order, state.base_components = order, components
            state.architect = False
        else:
            architect, _why = needs_architect(state.prompt)
            state.architect = architect
            if architect:
                result = make_plan(ask, state.prompt)
                items = result.items
                if result.errors:
                    events.emit("plan_retry", {"error": result.errors[0]}, run_id=run_id)
            else:
                named = sections_named_in(state.prompt)
                items = [PlanItem(named[0] if named else "Section", state.prompt[:150])]
            state.order = [i.name for i in items]
        state.set_plan([PlanEntry(name=i.name, purpose=i.purpose) for i in items])
        state.status = "awaiting_approval"
        state.save(client)
        plan = [p.as_dict() for p in state.plan]
        events.emit(
            "plan",
            {"components": plan, "architect": state.architect, "intent": intent.kind},
            run_id=run_id,
        )
        with session_scope() as session:
            store.add_message(
                session=session,
                project_id=state.project_id,
                run_id=run_id,
                role="assistant",
                content="Plan: " + ", ".join(state.order),
                intent=intent.kind,
                meta={"plan": plan, "architect": state.architect},
            )
        if state.auto_approve:
            return approve(client, run_id, state=state)
        # Waiting for the user: nobody works on the project meanwhile, so the lock goes.
        lock.release()
        return state
    except PlanError as exc:
        return fail(client, state, f"planning failed: {exc}")
    except StepCancelled:
        return fail(client, state, "cancelled by the user", status="cancelled")
    except BudgetExceeded as exc:
        return fail(client, state, str(exc), status="budget_exceeded")
    except LockLost as exc:
        return fail(client, state, str(exc))
    except ValueError as exc:  # provider configuration
        return fail(client, state, str(exc))


def concerned_components(
    message: str, order: list[str], components: dict[str, str]
) -> list[PlanItem]:
    """MODIFY/FIX touch only the components the message is about (all when it names none)."""
    lowered = message.lower()
    named = [n for n in order if n.lower() in lowered]
    named += [n for n in sections_named_in(message) if n in order and n not in named]
    chosen = [n for n in order if n in named] or order
    return [PlanItem(n, f"Apply the change: {message[:150]}") for n in chosen]
