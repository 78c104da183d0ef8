"""admin: listing reports, listing holds (takedown/suspension) and the append-only audit log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "listing_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("details", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("resolution_note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.CheckConstraint(
            "category in ('spam','malware','copyright','misleading','offensive','other')",
            name="ck_listing_reports_category",
        ),
        sa.CheckConstraint(
            "status in ('open','resolved','dismissed')", name="ck_listing_reports_status"
        ),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_listing_reports_listing_id"), "listing_reports", ["listing_id"], unique=False
    )
    op.create_index(
        op.f("ix_listing_reports_reporter_id"), "listing_reports", ["reporter_id"], unique=False
    )
    op.create_index(
        "ix_listing_reports_status_created", "listing_reports", ["status", "created_at"]
    )
    op.create_index(
        "uq_listing_reports_open",
        "listing_reports",
        ["listing_id", "reporter_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )

    op.create_table(
        "listing_holds",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("prior_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("taken_down", sa.Boolean(), nullable=False),
        sa.Column("seller_suspended", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("listing_id"),
    )

    op.create_table(
        "admin_audit_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_admin_audit_log_actor_id"), "admin_audit_log", ["actor_id"], unique=False
    )
    op.create_index("ix_admin_audit_log_created", "admin_audit_log", ["created_at"])
    op.create_index("ix_admin_audit_log_target", "admin_audit_log", ["target_type", "target_id"])
    # Like the ledger: the audit trail cannot be rewritten by a bug or a hand-written UPDATE.
    op.execute(
        """
        CREATE FUNCTION admin_audit_log_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'admin_audit_log is append-only (% refused)', TG_OP;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER admin_audit_log_append_only BEFORE UPDATE OR DELETE ON admin_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION admin_audit_log_refuse_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS admin_audit_log_append_only ON admin_audit_log")
    op.execute("DROP FUNCTION IF EXISTS admin_audit_log_refuse_change()")
    op.drop_index("ix_admin_audit_log_target", table_name="admin_audit_log")
    op.drop_index("ix_admin_audit_log_created", table_name="admin_audit_log")
    op.drop_index(op.f("ix_admin_audit_log_actor_id"), table_name="admin_audit_log")
    op.drop_table("admin_audit_log")
    op.drop_table("listing_holds")
    op.drop_index("uq_listing_reports_open", table_name="listing_reports")
    op.drop_index("ix_listing_reports_status_created", table_name="listing_reports")
    op.drop_index(op.f("ix_listing_reports_reporter_id"), table_name="listing_reports")
    op.drop_index(op.f("ix_listing_reports_listing_id"), table_name="listing_reports")
    op.drop_table("listing_reports")
