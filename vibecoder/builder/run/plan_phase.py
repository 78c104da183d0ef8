"""Phase 1 of a run: intent, then the answer (QUESTION), a refusal, or the plan to approve."""

from __future__ import annotations

import redis

from vibecoder.builder import prompts
from vibecoder.builder.changes import change_plan, named_components
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
            asked = named_components(state.prompt, order) or order
            code = {n: components[n] for n in asked if n in components}
            answer = call(prompts.answer_request(state.prompt, components=order, code=code))
            state.answer = answer.text.strip()
            events.emit("answer", {"text": state.answer}, run_id=run_id)
            return finish(client, run_id, state=state, status="answered")
        needs_approval = True
        if intent.kind in ("MODIFY", "FIX") and order:
            change = change_plan(ask, state.prompt, order=order, components=components)
            events.emit(
                "change_plan",
                {
                    "touch": [i.name for i in change.touch],
                    "add": [i.name for i, _ in change.add],
                    "remove": change.remove,
                    "source": change.source,
                },
                run_id=run_id,
            )
            # Only what the change names is written again; the rest keeps its bytes and place.
            state.order = change.order(order)
            state.base_components = {n: c for n, c in components.items() if n in state.order}
            state.removed = change.remove
            wanted = {i.name: i for i in change.touch} | {i.name: i for i, _ in change.add}
            items = [wanted[n] for n in state.order if n in wanted]
            state.architect = False
            needs_approval = change.needs_approval
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
                content=(
                    "Plan: " + ", ".join(state.order)
                    if intent.kind not in ("MODIFY", "FIX") or not state.base_components
                    else "Change: "
                    + ", ".join(p["name"] for p in plan)
                    + (f"; removed: {', '.join(state.removed)}" if state.removed else "")
                ),
                intent=intent.kind,
                meta={"plan": plan, "architect": state.architect},
            )
        if state.auto_approve or not needs_approval:
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
