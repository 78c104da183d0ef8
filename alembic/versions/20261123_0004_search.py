"""search: full-text document, HNSW vector index, trigram title index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 05:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C')"
)


def upgrade() -> None:
    op.add_column(
        "listings",
        sa.Column("embedded_text_sha", sa.String(length=64), nullable=True),
    )
    op.add_column(
        "listings",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_DOCUMENT, persisted=True),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_listings_search_vector", "listings", ["search_vector"], postgresql_using="gin"
    )
    op.create_index(
        "ix_listings_embedding_hnsw",
        "listings",
        ["embedding"],
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
    # Typo tolerance where pg_trgm exists (the first migration installs it when available).
    op.execute(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN "
        "CREATE INDEX IF NOT EXISTS ix_listings_title_trgm ON listings "
        "USING gin (lower(title) gin_trgm_ops); END IF; END $$"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_listings_title_trgm")
    op.drop_index("ix_listings_embedding_hnsw", table_name="listings")
    op.drop_index("ix_listings_search_vector", table_name="listings")
    op.drop_column("listings", "search_vector")
    op.drop_column("listings", "embedded_text_sha")
