"""analytics kind "remix_reversal": a refunded (or lost-dispute) sale of a remix stops counting
in the parent seller's "Remixes sold"

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-28 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review',"
    "'remix_sale','variation_preview','variation_purchase')"
)
NEW_KINDS = (
    "kind in ('view','sandbox_run','checkout_started','purchase','renewal','refund','review',"
    "'remix_sale','variation_preview','variation_purchase','remix_reversal')"
)


def upgrade() -> None:
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", NEW_KINDS)


def downgrade() -> None:
    op.execute("delete from analytics_events where kind = 'remix_reversal'")
    op.execute("delete from analytics_daily where kind = 'remix_reversal'")
    op.drop_constraint("ck_analytics_events_kind", "analytics_events", type_="check")
    op.create_check_constraint("ck_analytics_events_kind", "analytics_events", OLD_KINDS)
