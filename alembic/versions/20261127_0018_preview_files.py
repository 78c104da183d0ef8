"""preview files: the files a paid listing shows in full before purchase, marked by its seller

Revision ID: 0018
Revises: 0016
Create Date: 2026-11-27 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from alembic import op

revision: str = "0018"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing listings keep what the viewer showed them so far: the README and the docs.
    op.add_column(
        "listings",
        sa.Column(
            "preview_files",
            JSONB(),
            nullable=False,
            server_default=sa.text("""'["README*", "/docs/", "/doc/"]'::jsonb"""),
        ),
    )


def downgrade() -> None:
    op.drop_column("listings", "preview_files")
