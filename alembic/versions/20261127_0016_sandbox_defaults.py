"""sandbox defaults: the seller's file, example arguments and input for "Run in sandbox"

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("run_entry_point", 300), ("run_args", 500), ("run_stdin", 4000))


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column(
            "listings",
            sa.Column(
                name,
                sqlmodel.sql.sqltypes.AutoString(length=length),
                nullable=False,
                server_default="",
            ),
        )


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("listings", name)
