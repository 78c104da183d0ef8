"""analytics: daily rollups in the seller's timezone, traffic sources, rollup watermarks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner_columns() -> list[sa.Column]:
    return [
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
    ]


OLD_KINDS = "kind in ('view','sandbox_run','checkout_started','purchase','refund','review')"
NEW_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review')"
)


def upgrade() -> None:
    # Subscription renewals become events of their own, so revenue counts every paid cycle.
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", NEW_KINDS)
    op.create_table(
        "analytics_daily",
        *_owner_columns(),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seller_id", "day", "listing_id", "kind", "currency"),
    )
    op.create_table(
        "analytics_daily_sources",
        *_owner_columns(),
        sa.Column("referrer_host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("utm_source", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seller_id", "day", "listing_id", "referrer_host", "utm_source"),
    )
    op.create_table(
        "analytics_rollup_state",
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("closed_before", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seller_id"),
    )
    op.create_index(
        "ix_analytics_events_created_brin",
        "analytics_events",
        ["created_at"],
        unique=False,
        postgresql_using="brin",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_analytics_events_created_brin", table_name="analytics_events", postgresql_using="brin"
    )
    op.drop_table("analytics_rollup_state")
    op.drop_table("analytics_daily_sources")
    op.drop_table("analytics_daily")
    op.execute("delete from analytics_events where kind = 'renewal'")
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", OLD_KINDS)
