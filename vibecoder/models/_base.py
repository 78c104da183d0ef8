"""Column helpers shared by every table module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_field(
    *, nullable: bool = False, index: bool = False, default_now: bool = True
) -> Any:
    """A timezone-aware timestamp column; naive datetimes never reach the database."""
    if default_now and not nullable:
        return Field(
            default_factory=utcnow,
            sa_type=sa.DateTime(timezone=True),
            nullable=False,
            index=index,
        )
    return Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True, index=index)


def json_field(*, default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSONB, nullable=False)
