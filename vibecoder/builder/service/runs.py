"""Starting, approving and cancelling builder runs for the signed-in user (the /build pages).

Every call checks that the user owns the project; the slow work runs in the Celery `agent`
queue (workers/agent.py), exactly as `python -m vibecoder build --worker` does.
"""

from __future__ import annotations

from typing import Any, cast

from sqlmodel import Session, select

from vibecoder.builder import engine
from vibecoder.builder.planning import PlanError, validate_plan
from vibecoder.builder.run.state import RunState
from vibecoder.builder.runtime import ProjectBusy, request_cancel
from vibecoder.builder.service import projects as builder_projects
from vibecoder.builder.service import queue
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import Conflict, NotFound, RateLimited, ValidationFailed
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.builder import BuilderProject

MAX_PROMPT_CHARS = 4000


def owned_project(session: Session, *, owner_id: int, public_id: str) -> BuilderProject:
    project = session.exec(
        select(BuilderProject).where(
            BuilderProject.public_id == public_id, BuilderProject.owner_id == owner_id
        )
    ).first()
    if project is None:
        raise NotFound("not_found", "No such project.")
    return project


def _clean_prompt(prompt: str) -> str:
    require_plain_text(prompt=prompt or "", multiline={"prompt"})
    prompt = (prompt or "").strip()
    if not prompt:
        raise ValidationFailed("empty_prompt", "Describe what to build.", field="prompt")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ValidationFailed(
            "prompt_too_long", f"At most {MAX_PROMPT_CHARS} characters.", field="prompt"
        )
    return prompt


def create_project(
    *, owner_id: int, name: str, prompt: str, model_key: str | None = None
) -> tuple[str, str]:
    """A new project and its first run; returns (public_id, run_id).

    `model_key` is one of builder_models.model_choices(); the server's default when empty.
    """
    from vibecoder.builder.service.models import model_choices

    require_plain_text(name=name or "")
    prompt = _clean_prompt(prompt)
    name = (name or "").strip() or prompt[:60]
    if len(name) > 120:
        raise ValidationFailed("name_too_long", "At most 120 characters.", field="name")
    choices = model_choices()
    default = next((c for c in choices if c.key == model_key), None) if model_key else choices[0]
    if default is None:
        raise ValidationFailed(
            "model_unavailable", "That model is not available on this server.", field="model"
        )
    with session_scope() as session:
        project = builder_projects.create_project(
            session=session, owner_id=owner_id, name=name, provider=default.provider
        )
        project.model = default.model
        public_id = project.public_id
    return public_id, start_run(owner_id=owner_id, public_id=public_id, prompt=prompt)


def start_run(*, owner_id: int, public_id: str, prompt: str) -> str:
    """Record the prompt, take the project lock and queue the plan; returns the run id."""
    from vibecoder.builder.service.models import provider_config

    prompt = _clean_prompt(prompt)
    with session_scope() as session:
        project = owned_project(session, owner_id=owner_id, public_id=public_id)
        project_id, provider, model = project.id, project.provider, project.model
    if engine.daily_tokens_left(owner_id) <= 0:
        raise RateLimited(
            "builder_quota",
            "You have used today's builder tokens; the quota renews at 00:00 UTC.",
            retry_after=3600,
        )
    config = provider_config(provider, model)
    try:
        state = engine.start_run(get_redis(), project_id=project_id, prompt=prompt, provider=config)
    except ProjectBusy as exc:
        raise Conflict("busy", "This project is already building; wait or cancel it.") from exc
    queue.queue_plan(state.run_id)
    return state.run_id


def _owned_run(owner_id: int, public_id: str, run_id: str) -> RunState:
    with session_scope() as session:
        project = owned_project(session, owner_id=owner_id, public_id=public_id)
        project_id = project.id
    state = RunState.load(get_redis(), run_id)
    if state is None or state.project_id != project_id:
        raise NotFound("not_found", "No such run.")
    return state


def approve_plan(
    *, owner_id: int, public_id: str, run_id: str, plan: list[dict] | None = None
) -> None:
    """Start the steps; `plan` is the user's edited plan (checked here, so errors show at once)."""
    state = _owned_run(owner_id, public_id, run_id)
    if state.status != "awaiting_approval":
        raise Conflict("not_awaiting_approval", "This plan is not waiting for approval.")
    if plan is not None:
        require_plain_text(plan=plan)
        try:
            items = validate_plan({"components": plan})
        except PlanError as exc:
            raise ValidationFailed("invalid_plan", f"Plan: {exc}.", field="plan") from None
        plan = [item.as_dict() for item in items]
    queue.queue_approval(run_id, plan)


def retry_step(*, owner_id: int, public_id: str, run_id: str) -> int:
    """Run the failed step again (with the project's current model) and the steps after it.

    Returns the index of the step retried.
    """
    from vibecoder.builder.service.models import provider_config

    state = _owned_run(owner_id, public_id, run_id)
    with session_scope() as session:
        project = owned_project(session, owner_id=owner_id, public_id=public_id)
        config = provider_config(project.provider, project.model)
    try:
        state, index = engine.retry_step(get_redis(), state.run_id, provider=config)
    except engine.NotRetryable as exc:
        raise Conflict("not_retryable", "No failed step to retry in this run.") from exc
    except ProjectBusy as exc:
        raise Conflict("busy", "This project is already building; wait or cancel it.") from exc
    queue.queue_steps(run_id, len(state.steps), start=index, generation=state.generation)
    return index


def cancel_run(*, owner_id: int, public_id: str, run_id: str) -> None:
    """Stop a run: a plan awaiting approval ends now, a running step stops at its next chunk."""
    state = _owned_run(owner_id, public_id, run_id)
    client = get_redis()
    if state.status == "awaiting_approval":
        engine.finish(client, run_id, state=state, status="cancelled")
    elif state.status in ("queued", "running"):
        request_cancel(client, run_id)


def run_state(*, owner_id: int, public_id: str, run_id: str) -> dict:
    """The run as the page's run view reads it (the JSON document Redis holds)."""
    return _owned_run(owner_id, public_id, run_id).view()


def latest_run_id(public_id: str) -> str | None:
    """The run of the project's newest event, so a reloaded page follows the run under way."""
    from vibecoder.builder.runtime import EVENTS

    newest = cast(list[Any], get_redis().xrevrange(EVENTS.format(public_id), count=1))
    if not newest:
        return None
    import json

    return json.loads(newest[0][1]["e"]).get("run_id")
