"""/sandbox/runs: run a listing's file in the sandbox with args and stdin; poll or stream it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, Field

from vibecoder.api.v1.deps import SandboxUser, client_ip
from vibecoder.api.v1.problems import error_responses
from vibecoder.domain.accounts.api_keys import Principal
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce.my_purchases import listing_by_slug
from vibecoder.domain.errors import ValidationFailed
from vibecoder.domain.sandbox_runs import runs
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis

router = APIRouter(prefix="/sandbox/runs", tags=["sandbox"])
RunId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
STREAM_SECONDS = 120.0
POLL_SECONDS = 0.25


class SandboxRunBase(BaseModel):
    listing_slug: str = Field(min_length=1, max_length=200)
    entry_point: str | None = Field(
        default=None, max_length=500, description="A runnable file; the main one when omitted."
    )
    args: list[str] = Field(default_factory=list, max_length=runs.MAX_ARGS)
    stdin: str = Field(default="", max_length=runs.MAX_STDIN_BYTES)


class SandboxRunCreate(SandboxRunBase):
    """Runs the listing's latest version (anyone who can see the listing may run it)."""


class SandboxRunPublic(BaseModel):
    id: str
    status: str = Field(description="queued, running, done, failed or refused")
    finished: bool
    entry_point: str
    exit_code: int | None
    signal: int | None
    limit_reason: str
    error: str
    wall_ms: int | None
    cpu_ms: int | None
    peak_memory_kb: int | None
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool


def _public(run) -> SandboxRunPublic:
    view = runs.run_view(run)
    return SandboxRunPublic(
        id=view.public_id,
        status=view.status,
        finished=view.status in runs.FINISHED_STATUSES,
        entry_point=view.entry_point,
        exit_code=view.exit_code,
        signal=view.signal,
        limit_reason=view.limit_reason,
        error=view.error,
        wall_ms=view.wall_ms,
        cpu_ms=view.cpu_ms,
        peak_memory_kb=view.peak_memory_kb,
        stdout=view.stdout,
        stderr=view.stderr,
        stdout_truncated=view.stdout_truncated,
        stderr_truncated=view.stderr_truncated,
    )


@router.post(
    "",
    response_model=SandboxRunPublic,
    status_code=202,
    summary="Start a run of a listing's file (sandbox scope)",
    responses=error_responses(401, 403, 404, 422, 429),
)
def start_run(request: Request, body: SandboxRunCreate, caller: SandboxUser) -> SandboxRunPublic:
    with session_scope() as session:
        listing = listing_by_slug(session=session, slug=body.listing_slug, viewer=caller.user)
        entry = body.entry_point
        if not entry:
            latest = catalog.latest_version(session=session, listing_id=listing.id)
            files = runs.runnable_files(session=session, version_id=latest.id) if latest else []
            if not files:
                raise ValidationFailed("not_runnable", "This listing has no runnable file.")
            entry = files[0]
        run = runs.request_run(
            session=session,
            redis_client=get_redis(),
            listing_id=listing.id,
            viewer=caller.user,
            ip=client_ip(request),
            entry_point=entry,
            stdin=body.stdin,
            args=body.args,
        )
        return _public(run)


def _owned(run_id: RunId, caller: SandboxUser) -> tuple[str, Principal]:
    with session_scope() as session:
        runs.owned_run(session=session, public_id=run_id, user=caller.user)
    return run_id, caller


@router.get(
    "/{run_id}",
    response_model=SandboxRunPublic,
    summary="A run's status and, once finished, its output",
    responses=error_responses(401, 403, 404, 422, 429),
)
def get_run(run_id: RunId, caller: SandboxUser) -> SandboxRunPublic:
    with session_scope() as session:
        return _public(runs.owned_run(session=session, public_id=run_id, user=caller.user))


@router.get(
    "/{run_id}/events",
    response_class=EventSourceResponse,
    summary="Follow a run as server-sent events (`status` events, the last one finished)",
    responses=error_responses(401, 403, 404, 422, 429),
)
def stream_run(
    owned: Annotated[tuple[str, Principal], Depends(_owned)],
) -> Iterator[ServerSentEvent]:
    run_id, caller = owned
    deadline = time.monotonic() + STREAM_SECONDS
    last = None
    while time.monotonic() < deadline:
        with session_scope() as session:
            body = _public(runs.owned_run(session=session, public_id=run_id, user=caller.user))
        if body.status != last:
            last = body.status
            yield ServerSentEvent(event="status", data=body.model_dump(mode="json"))
        if body.finished:
            return
        time.sleep(POLL_SECONDS)
    yield ServerSentEvent(event="timeout", data={"id": run_id})
