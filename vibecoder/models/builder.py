"""AI builder projects, their chat messages and their immutable versions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import json_field, timestamp_field


class BuilderProject(SQLModel, table=True):
    __tablename__ = "builder_projects"
    __table_args__ = (sa.UniqueConstraint("public_id", name="uq_builder_projects_public_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # Opaque id used in URLs (/build/{public_id}) so project ids are not enumerable.
    public_id: str = Field(max_length=32)
    owner_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    provider: str = Field(default="scripted", max_length=40)
    model: str | None = Field(default=None, max_length=100)
    current_version_id: int | None = Field(default=None)
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field(index=True)


class BuilderMessage(SQLModel, table=True):
    __tablename__ = "builder_messages"
    __table_args__ = (sa.Index("ix_builder_messages_project_created", "project_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="builder_projects.id", ondelete="CASCADE")
    run_id: str | None = Field(default=None, max_length=64, index=True)
    role: str = Field(max_length=16)
    content: str = Field(default="", max_length=200_000)
    intent: str | None = Field(default=None, max_length=16)
    meta: dict = json_field()
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    created_at: datetime = timestamp_field()


class BuilderVersion(SQLModel, table=True):
    __tablename__ = "builder_versions"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "number", name="uq_builder_versions_project_number"),
        # A retried step must not create a second version for the same run step.
        sa.UniqueConstraint("project_id", "run_key", name="uq_builder_versions_project_run_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="builder_projects.id", index=True, ondelete="CASCADE")
    number: int = Field(ge=1)
    run_key: str | None = Field(default=None, max_length=100)
    message: str = Field(default="", max_length=2000)
    files: dict = json_field()  # {path: sha256}
    bundle_sha: str | None = Field(default=None, max_length=64)
    css_sha: str | None = Field(default=None, max_length=64)
    provider: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=100)
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    restored_from_id: int | None = Field(default=None)
    created_at: datetime = timestamp_field()
