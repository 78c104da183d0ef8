"""api keys: scopes chosen at creation and the address a key was last used from

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Keys made before scopes existed get the least privilege: read only.
    op.add_column(
        "api_keys",
        sa.Column(
            "scopes",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            server_default=sa.text("'[\"read\"]'::jsonb"),
        ),
    )
    op.alter_column("api_keys", "scopes", server_default=None)
    op.add_column(
        "api_keys",
        sa.Column("last_used_ip", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("api_keys", "last_used_ip")
    op.drop_column("api_keys", "scopes")
