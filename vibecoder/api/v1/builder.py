"""/builder/projects: create a project from a prompt, approve its plan, follow the run as
server-sent events, and download a version's zip. Owner only: anything else is a 404."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, Field
from starlette.responses import Response, StreamingResponse

from vibecoder.api.v1.deps import Builder
from vibecoder.api.v1.problems import ApiProblem, error_responses
from vibecoder.builder.runtime import EventStream
from vibecoder.builder.service import projects as builder_projects
from vibecoder.builder.service import runs as builder_runs
from vibecoder.builder.service.export import version_zip
from vibecoder.builder.service.runs import MAX_PROMPT_CHARS
from vibecoder.domain.catalog.archive import build_zip_stream
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.infra.storage import get_blob_store

router = APIRouter(prefix="/builder/projects", tags=["builder"])
ProjectId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
RunId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
FINAL = frozenset({"done", "failed", "cancelled", "budget_exceeded", "refused", "answered"})
STREAM_SECONDS = 600.0


class ProjectBase(BaseModel):
    name: str = Field(default="", max_length=120, description="Defaults to the prompt's start.")


class ProjectCreate(ProjectBase):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    model: str | None = Field(
        default=None,
        max_length=160,
        description="provider:model, e.g. scripted:scripted-1 (the offline model); "
        "the server's default when omitted.",
    )


class VersionSummary(BaseModel):
    number: int
    message: str
    created_at: datetime
    zip_url: str


class ProjectPublic(ProjectBase):
    id: str
    provider: str
    model: str | None
    created_at: datetime
    versions: list[VersionSummary]


class RunStarted(BaseModel):
    project_id: str
    run_id: str
    events_url: str


class RunCreate(BaseModel):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)


class PlanItem(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    purpose: str = Field(default="", max_length=300)


class PlanApproval(BaseModel):
    plan: list[PlanItem] | None = Field(
        default=None, max_length=30, description="An edited plan; the proposed one when omitted."
    )


class RunPublic(BaseModel):
    run_id: str
    status: str = Field(
        description="queued, awaiting_approval, running, then done, failed, cancelled, "
        "budget_exceeded, refused or answered"
    )
    finished: bool
    plan: list[PlanItem]
    error: str | None
    answer: str | None
    version_number: int | None
    tokens_in: int
    tokens_out: int


def _project(session, owner_id: int, public_id: str) -> ProjectPublic:
    project = builder_runs.owned_project(session, owner_id=owner_id, public_id=public_id)
    versions = builder_projects.list_versions(session, project.id)
    return ProjectPublic(
        id=project.public_id,
        name=project.name,
        provider=project.provider,
        model=project.model,
        created_at=project.created_at,
        versions=[
            VersionSummary(
                number=v.number,
                message=v.message,
                created_at=v.created_at,
                zip_url=f"/api/v1/builder/projects/{project.public_id}/versions/{v.number}/zip",
            )
            for v in versions
        ],
    )


def _run(state: dict) -> RunPublic:
    number = None
    if state.get("version_id"):
        with session_scope() as session:
            from vibecoder.models.builder import BuilderVersion

            version = session.get(BuilderVersion, state["version_id"])
            number = version.number if version else None
    return RunPublic(
        run_id=state["run_id"],
        status=state["status"],
        finished=state["status"] in FINAL,
        plan=[
            PlanItem(
                name=str(p.get("name", ""))[:80] or "?", purpose=str(p.get("purpose", ""))[:300]
            )
            for p in state.get("plan") or []
        ],
        error=state.get("error"),
        answer=state.get("answer"),
        version_number=number,
        tokens_in=int(state.get("tokens_in") or 0),
        tokens_out=int(state.get("tokens_out") or 0),
    )


def _started(public_id: str, run_id: str) -> RunStarted:
    return RunStarted(
        project_id=public_id,
        run_id=run_id,
        events_url=f"/api/v1/builder/projects/{public_id}/runs/{run_id}/events",
    )


@router.post(
    "",
    response_model=RunStarted,
    status_code=201,
    summary="Create a project from a prompt; its first run plans at once (build scope)",
    responses=error_responses(401, 403, 409, 422, 429),
)
def create_project(body: ProjectCreate, caller: Builder) -> RunStarted:
    public_id, run_id = builder_runs.create_project(
        owner_id=caller.user.id, name=body.name, prompt=body.prompt, model_key=body.model
    )
    return _started(public_id, run_id)


@router.get(
    "/{project_id}",
    response_model=ProjectPublic,
    summary="A project and its versions",
    responses=error_responses(401, 403, 404, 422, 429),
)
def get_project(project_id: ProjectId, caller: Builder) -> ProjectPublic:
    with session_scope() as session:
        return _project(session, caller.user.id, project_id)


@router.post(
    "/{project_id}/runs",
    response_model=RunStarted,
    status_code=201,
    summary="Ask for a change: a new run on the project (one at a time)",
    responses=error_responses(401, 403, 404, 409, 422, 429),
)
def start_run(project_id: ProjectId, body: RunCreate, caller: Builder) -> RunStarted:
    run_id = builder_runs.start_run(
        owner_id=caller.user.id, public_id=project_id, prompt=body.prompt
    )
    return _started(project_id, run_id)


@router.get(
    "/{project_id}/runs/{run_id}",
    response_model=RunPublic,
    summary="A run's state: status, plan, result",
    responses=error_responses(401, 403, 404, 422, 429),
)
def get_run(project_id: ProjectId, run_id: RunId, caller: Builder) -> RunPublic:
    return _run(
        builder_runs.run_state(owner_id=caller.user.id, public_id=project_id, run_id=run_id)
    )


@router.post(
    "/{project_id}/runs/{run_id}/approve",
    response_model=RunPublic,
    status_code=202,
    summary="Approve the proposed (or an edited) plan; the steps start",
    responses=error_responses(401, 403, 404, 409, 422, 429),
)
def approve_plan(
    project_id: ProjectId, run_id: RunId, caller: Builder, body: PlanApproval | None = None
) -> RunPublic:
    plan = [item.model_dump() for item in body.plan] if body and body.plan is not None else None
    builder_runs.approve_plan(
        owner_id=caller.user.id, public_id=project_id, run_id=run_id, plan=plan
    )
    return _run(
        builder_runs.run_state(owner_id=caller.user.id, public_id=project_id, run_id=run_id)
    )


def _owned_run(project_id: ProjectId, run_id: RunId, caller: Builder) -> tuple[str, str]:
    builder_runs.run_state(owner_id=caller.user.id, public_id=project_id, run_id=run_id)
    return project_id, run_id


@router.get(
    "/{project_id}/runs/{run_id}/events",
    response_class=EventSourceResponse,
    summary="Follow a run as server-sent events; replays from `after` (an event id)",
    responses=error_responses(401, 403, 404, 422, 429),
)
def run_events(
    owned: Annotated[tuple[str, str], Depends(_owned_run)],
    after: Annotated[
        str, Query(max_length=40, pattern=r"^\d+-\d+$", description="Last event id seen.")
    ] = "0-0",
) -> Iterator[ServerSentEvent]:
    """Each event's `event` is its type (plan, step_started, token, version_created, done…),
    its data the JSON the builder page gets; the stream ends after the run's `done`."""
    public_id, run_id = owned
    stream = EventStream(get_redis(), public_id)
    deadline = time.monotonic() + STREAM_SECONDS
    backlog = stream.read(after)
    cursor = backlog[-1][0] if backlog else (after if after != "0-0" else "0-0")
    pending = backlog
    while True:
        for event_id, event in pending:
            if event.get("run_id") != run_id:
                continue
            yield ServerSentEvent(event=str(event.get("type", "message")), id=event_id, data=event)
            if event.get("type") == "done":
                return
        if time.monotonic() > deadline:
            yield ServerSentEvent(event="timeout", data={"run_id": run_id})
            return
        pending = stream.wait(cursor, block_ms=1000)
        if pending:
            cursor = pending[-1][0]


@router.get(
    "/{project_id}/versions/{number}/zip",
    response_class=StreamingResponse,
    summary="One version of the project as a zip",
    responses={
        200: {"content": {"application/zip": {}}, "description": "The zip archive"},
        **error_responses(401, 403, 404, 422, 429),
    },
)
def get_version_zip(
    project_id: ProjectId,
    number: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: Builder,
) -> Response:
    with session_scope() as session:
        found = version_zip(session, user_id=caller.user.id, public_id=project_id, number=number)
    if found is None:
        raise ApiProblem(404, "not_found", "No such project version.")
    return StreamingResponse(
        build_zip_stream(found.files, get_blob_store(), root=found.filename.removesuffix(".zip")),
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "private, no-store",
        },
    )
