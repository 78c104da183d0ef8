"""The typed state of one agent run, shared by its Celery tasks through Redis.

It is stored as JSON under `builder:run:{run_id}` (runtime.STATE); the field names are what the
page's run view reads back, so they are part of the contract with vibecoder/state/build.py.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from pydantic import BaseModel, Field

from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.runtime import STATE, STATE_TTL

ACTIVE = ("queued", "awaiting_approval", "running")
FINAL = ("done", "failed", "cancelled", "budget_exceeded", "refused", "answered")


class PlanEntry(BaseModel):
    name: str
    purpose: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "purpose": self.purpose}


class StepState(BaseModel):
    name: str
    status: str = "pending"  # pending | done | failed
    continuations: int = 0
    truncations: list[str] = Field(default_factory=list)
    fixes: int = 0
    validations: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None
    version_id: int | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float | None = None
    retries: int = 0


class CallRecord(BaseModel):
    """One model call: what the usage events and `build --json` report."""

    purpose: str
    finish_reason: str
    tokens_in: int
    tokens_out: int


class RunState(BaseModel):
    run_id: str
    project_id: int
    # Whose daily token quota the run spends (None: a CLI run outside any account).
    owner_id: int | None = None
    public_id: str
    title: str
    prompt: str
    provider: ProviderConfig
    auto_approve: bool = False
    render: bool = True
    status: str = "queued"
    intent: str | None = None
    architect: bool | None = None
    plan: list[PlanEntry] = Field(default_factory=list)
    steps: list[StepState] = Field(default_factory=list)
    # Components written by this run, and the project's components when the run started
    # (MODIFY/FIX keep the ones they do not touch).
    components: dict[str, str] = Field(default_factory=dict)
    order: list[str] = Field(default_factory=list)
    base_components: dict[str, str] = Field(default_factory=dict)
    removed: list[str] = Field(default_factory=list)  # components a MODIFY takes off the page
    tokens_in: int = 0
    tokens_out: int = 0
    recovery_tokens: int = 0
    fix_tokens: int = 0
    # What the project was already charged when the run closed (a retried run closes again).
    closed_tokens_in: int = 0
    closed_tokens_out: int = 0
    budget: int = 0
    calls: list[CallRecord] = Field(default_factory=list)
    model: str | None = None
    version_id: int | None = None
    error: str | None = None
    answer: str | None = None
    first_event: str | None = None  # a reloading page replays the stream from here
    generation: int = 0  # bumped by a retry: tasks of the old chain become no-ops
    started_at: float = Field(default_factory=time.time)
    finished_at: float | None = None

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out

    def set_plan(self, items: list[PlanEntry]) -> None:
        self.plan = items
        self.steps = [StepState(name=i.name) for i in items]

    @classmethod
    def load(cls, client: redis.Redis, run_id: str) -> RunState | None:
        raw = client.get(STATE.format(run_id))
        return cls.model_validate_json(raw) if raw else None

    def save(self, client: redis.Redis) -> None:
        client.set(STATE.format(self.run_id), self.model_dump_json(), ex=STATE_TTL)

    def view(self) -> dict[str, Any]:
        """The JSON the page's run view reads (the same document Redis holds)."""
        return self.model_dump(mode="json")
