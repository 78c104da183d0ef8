"""Sandbox runs: try-before-you-buy executions and verified test runs of listing versions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import timestamp_field


class SandboxRun(SQLModel, table=True):
    __tablename__ = "sandbox_runs"
    __table_args__ = (
        sa.CheckConstraint("kind in ('run','test')", name="ck_sandbox_runs_kind"),
        sa.Index("ix_sandbox_runs_version_kind", "version_id", "kind", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=32, unique=True)
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="CASCADE")
    version_id: int = Field(foreign_key="listing_versions.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # SHA-256 of the browser session that started a signed-out visitor's run (migration 0008).
    starter_hash: str | None = Field(default=None, max_length=64)
    kind: str = Field(default="run", max_length=8)
    status: str = Field(default="queued", max_length=16)
    language: str = Field(max_length=16)
    entry_point: str | None = Field(default=None, max_length=500)
    args: list = Field(default_factory=list, sa_type=sa.JSON)
    exit_code: int | None = None
    signal: int | None = None
    limit_reason: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=2000)
    wall_ms: int | None = None
    cpu_ms: int | None = None
    peak_memory_kb: int | None = None
    stdout: str = Field(default="", max_length=2_000_000)
    stderr: str = Field(default="", max_length=2_000_000)
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    tests_passed: int | None = None
    tests_failed: int | None = None
    tests_skipped: int | None = None
    created_at: datetime = timestamp_field()
    finished_at: datetime | None = timestamp_field(nullable=True)
