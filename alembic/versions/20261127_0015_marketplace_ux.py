"""marketplace ux: email verification, single-use account tokens, provenance token totals

Revision ID: 0015
Revises: 0009
Create Date: 2026-11-27 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0015"
# Also the merge point of main's two heads (0008 sandbox starter, 0009 API key scopes), so
# `upgrade head` has one head; re-chain freely when the migrations are lined up.
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("users", sa.Column("email_verified_at", TZ, nullable=True))
    # Accounts that exist before verification was introduced are trusted as they are: nobody
    # should lose the right to publish or be paid because of an upgrade.
    op.execute("UPDATE users SET email_verified_at = created_at")
    op.add_column("ai_metadata", sa.Column("token_total", sa.Integer(), nullable=True))
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.CheckConstraint("purpose in ('reset','verify')", name="ck_account_tokens_purpose"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_account_tokens_user_id"), "account_tokens", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_account_tokens_user_id"), table_name="account_tokens")
    op.drop_table("account_tokens")
    op.drop_column("ai_metadata", "token_total")
    op.drop_column("users", "email_verified_at")
