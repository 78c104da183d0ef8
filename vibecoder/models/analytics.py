"""Analytics events: append-only facts the seller dashboard aggregates."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import timestamp_field

EVENT_KINDS = ("view", "sandbox_run", "checkout_started", "purchase", "refund", "review")


class AnalyticsEvent(SQLModel, table=True):
    __tablename__ = "analytics_events"
    __table_args__ = (
        sa.CheckConstraint(
            "kind in ('view','sandbox_run','checkout_started','purchase','refund','review')",
            name="ck_analytics_events_kind",
        ),
        sa.Index("ix_analytics_events_seller_created", "seller_id", "created_at"),
        sa.Index("ix_analytics_events_listing_kind_created", "listing_id", "kind", "created_at"),
        # Views are counted once per visitor per listing per day.
        sa.Index(
            "uq_analytics_events_view_dedupe",
            "listing_id",
            "visitor_hash",
            "day",
            unique=True,
            postgresql_where=sa.text("kind = 'view'"),
        ),
    )

    id: int | None = Field(default=None, sa_type=sa.BigInteger, primary_key=True)
    kind: str = Field(max_length=20)
    listing_id: int | None = Field(default=None, foreign_key="listings.id", ondelete="CASCADE")
    seller_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    visitor_hash: str | None = Field(default=None, max_length=64)
    day: date | None = Field(default=None, sa_type=sa.Date)
    amount_cents: int = Field(default=0)
    currency: str = Field(default="usd", max_length=3)
    referrer: str | None = Field(default=None, max_length=500)
    utm_source: str | None = Field(default=None, max_length=100)
    created_at: datetime = timestamp_field()
