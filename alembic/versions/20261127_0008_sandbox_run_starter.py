"""security: a sandbox run remembers the visitor session that started it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SHA-256 of the starting browser session's client token (signed-out visitors); a run's
    # output is readable only by its account or that session.
    op.add_column(
        "sandbox_runs",
        sa.Column("starter_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("sandbox_runs", "starter_hash")
