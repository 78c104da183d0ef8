"""search: btree index on lower(title) so exact-title matches are an index lookup

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_listings_title_lower", "listings", [sa.text("lower(title)")])


def downgrade() -> None:
    op.drop_index("ix_listings_title_lower", table_name="listings")
