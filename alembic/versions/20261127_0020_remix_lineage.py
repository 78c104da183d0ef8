"""remix lineage: builder projects opened from a listing, listings sold from them, remix sales

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-27 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review')"
)
NEW_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review',"
    "'remix_sale')"
)


def _parent_columns() -> list[sa.Column]:
    return [
        sa.Column("parent_listing_id", sa.Integer(), nullable=True),
        sa.Column("parent_version_id", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "builder_project_lineage",
        sa.Column("project_id", sa.Integer(), nullable=False),
        *_parent_columns(),
        sa.Column("license_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["builder_projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_listing_id"], ["listings.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["parent_version_id"], ["listing_versions.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_index(
        "ix_builder_project_lineage_parent_listing_id",
        "builder_project_lineage",
        ["parent_listing_id"],
    )
    op.create_table(
        "listing_lineage",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        *_parent_columns(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_listing_id"], ["listings.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["parent_version_id"], ["listing_versions.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("listing_id"),
    )
    op.create_index(
        "ix_listing_lineage_parent_listing_id", "listing_lineage", ["parent_listing_id"]
    )
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", NEW_KINDS)


def downgrade() -> None:
    op.execute("delete from analytics_events where kind = 'remix_sale'")
    op.execute("delete from analytics_daily where kind = 'remix_sale'")
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", OLD_KINDS)
    op.drop_index("ix_listing_lineage_parent_listing_id", table_name="listing_lineage")
    op.drop_table("listing_lineage")
    op.drop_index(
        "ix_builder_project_lineage_parent_listing_id", table_name="builder_project_lineage"
    )
    op.drop_table("builder_project_lineage")
