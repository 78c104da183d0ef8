"""Analytics events: append-only facts the seller dashboard aggregates."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import timestamp_field

EVENT_KINDS = (
    "view",
    "sandbox_run",
    "checkout_started",
    "purchase",
    "renewal",
    "refund",
    "review",
    # A sale of a listing remixed from this seller's listing (migration 0020).
    "remix_sale",
    # A visitor previewed a variation; a purchase unlocked one (migration 0021).
    "variation_preview",
    "variation_purchase",
    # A remix sale refunded or lost in a dispute: "Remixes sold" nets it out (migration 0022).
    "remix_reversal",
)
KIND_CHECK = "kind in (" + ",".join(f"'{kind}'" for kind in EVENT_KINDS) + ")"


class AnalyticsEvent(SQLModel, table=True):
    __tablename__ = "analytics_events"
    __table_args__ = (
        # 'renewal' (a paid subscription cycle) was added in migration 0006.
        sa.CheckConstraint(KIND_CHECK, name="ck_analytics_events_kind"),
        sa.Index("ix_analytics_events_seller_created", "seller_id", "created_at"),
        sa.Index("ix_analytics_events_listing_kind_created", "listing_id", "kind", "created_at"),
        # The rollup task scans recent events of every seller; rows arrive in time order, so a
        # tiny BRIN index finds them.
        sa.Index("ix_analytics_events_created_brin", "created_at", postgresql_using="brin"),
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


class AnalyticsDaily(SQLModel, table=True):
    """Events per listing, kind and currency for one day in the seller's own timezone.

    Kept by workers/analytics.py (rollup_analytics); rebuilt for a seller whose timezone
    changes. docs/analytics.md explains why days are local rather than UTC.
    """

    __tablename__ = "analytics_daily"

    seller_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(sa_type=sa.Date, primary_key=True)
    listing_id: int = Field(foreign_key="listings.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=20, primary_key=True)
    currency: str = Field(max_length=3, primary_key=True)
    events: int = Field(default=0)
    amount_cents: int = Field(default=0, sa_type=sa.BigInteger)


class AnalyticsDailySource(SQLModel, table=True):
    """Counted views per listing and traffic source for one local day ('' = none)."""

    __tablename__ = "analytics_daily_sources"

    seller_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(sa_type=sa.Date, primary_key=True)
    listing_id: int = Field(foreign_key="listings.id", primary_key=True, ondelete="CASCADE")
    referrer_host: str = Field(max_length=255, primary_key=True)
    utm_source: str = Field(max_length=100, primary_key=True)
    views: int = Field(default=0)


class AnalyticsRollupState(SQLModel, table=True):
    """How far a seller's rollups reach: every local day before `closed_before`, in `timezone`.

    Dashboards trust rollups only when this timezone is still the seller's; anything from
    `closed_before` on is read from raw events.
    """

    __tablename__ = "analytics_rollup_state"

    seller_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    timezone: str = Field(max_length=64)
    closed_before: date = Field(sa_type=sa.Date)
    updated_at: datetime = timestamp_field()
