"""listing covers and live demo: a card-size cover, which kind the cover is, the demo switch

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-27 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "listings",
        sa.Column("cover_card_sha", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "listings",
        sa.Column(
            "cover_kind",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "listings",
        sa.Column("live_demo", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    # Covers that exist already cannot be told apart (a seller's upload or a generated card):
    # count them as the seller's, so an automatic screenshot never replaces one.
    op.execute("UPDATE listings SET cover_kind = 'seller' WHERE cover_image_sha IS NOT NULL")


def downgrade() -> None:
    op.drop_column("listings", "live_demo")
    op.drop_column("listings", "cover_kind")
    op.drop_column("listings", "cover_card_sha")
