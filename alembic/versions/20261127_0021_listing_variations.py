"""listing variations: a visitor's preview-only remake of a web listing, the seller's switch,
and the analytics kinds "variation_preview" and "variation_purchase"

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-27 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review',"
    "'remix_sale')"
)
NEW_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review',"
    "'remix_sale','variation_preview','variation_purchase')"
)


def upgrade() -> None:
    op.add_column(
        "listings",
        sa.Column("variations_enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", NEW_KINDS)
    op.create_table(
        "listing_variations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("prompt", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("original_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unlocked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["listing_versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["builder_projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["purchase_id"], ["purchases.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_id", name="uq_listing_variations_public_id"),
    )
    op.create_index(
        "ix_listing_variations_user_listing", "listing_variations", ["user_id", "listing_id"]
    )
    op.create_index("ix_listing_variations_expires_at", "listing_variations", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_listing_variations_expires_at", table_name="listing_variations")
    op.drop_index("ix_listing_variations_user_listing", table_name="listing_variations")
    op.drop_table("listing_variations")
    op.execute(
        "delete from analytics_events where kind in ('variation_preview','variation_purchase')"
    )
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", OLD_KINDS)
    op.execute(
        "delete from analytics_daily where kind in ('variation_preview','variation_purchase')"
    )
    op.drop_column("listings", "variations_enabled")
