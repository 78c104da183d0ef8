"""commerce

Checkout attempts, processed webhook events, license activations, the append-only payout
ledger, payouts, seller payout accounts, notifications and download counts; new nullable
columns on purchases and licenses.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 05:11:10.442332
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from sqlalchemy.dialects import postgresql
from alembic import op

revision: str = '0003'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processed_webhook_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status in ('received','processed','failed')", name='ck_processed_webhook_events_status'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gateway', 'event_id', name='uq_processed_webhook_events_event')
    )
    op.create_index('ix_processed_webhook_events_status_received', 'processed_webhook_events', ['status', 'received_at'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'dedupe_key', name='uq_notifications_user_dedupe')
    )
    op.create_index('ix_notifications_user_created', 'notifications', ['user_id', 'created_at'], unique=False)
    op.create_table('payouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('gateway_ref', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('failure_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status in ('processing','paid','failed')", name='ck_payouts_status'),
    sa.CheckConstraint('amount_cents > 0', name='ck_payouts_amount_positive'),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_payouts_seller_created', 'payouts', ['seller_id', 'created_at'], unique=False)
    op.create_table('seller_payout_accounts',
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('account_ref', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('charges_enabled', sa.Boolean(), nullable=False),
    sa.Column('payouts_enabled', sa.Boolean(), nullable=False),
    sa.Column('details_submitted', sa.Boolean(), nullable=False),
    sa.Column('requirements_due', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seller_id'),
    sa.UniqueConstraint('gateway', 'account_ref', name='uq_seller_payout_accounts_ref')
    )
    op.create_table('checkout_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('purchase_id', sa.Integer(), nullable=True),
    sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('session_ref', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('checkout_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('destination_account', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status in ('open','completed','expired','failed')", name='ck_checkout_attempts_status'),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['purchase_id'], ['purchases.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gateway', 'session_ref', name='uq_checkout_attempts_session'),
    sa.UniqueConstraint('idempotency_key', name='uq_checkout_attempts_idempotency_key')
    )
    op.create_index(op.f('ix_checkout_attempts_buyer_id'), 'checkout_attempts', ['buyer_id'], unique=False)
    op.create_index(op.f('ix_checkout_attempts_listing_id'), 'checkout_attempts', ['listing_id'], unique=False)
    op.create_index(op.f('ix_checkout_attempts_purchase_id'), 'checkout_attempts', ['purchase_id'], unique=False)
    op.create_index('uq_checkout_attempts_open', 'checkout_attempts', ['buyer_id', 'listing_id'], unique=True, postgresql_where=sa.text("status = 'open'"))
    op.create_table('download_counts',
    sa.Column('purchase_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_downloaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_downloaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['purchase_id'], ['purchases.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['listing_versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('purchase_id', 'version_id')
    )
    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('purchase_id', sa.Integer(), nullable=True),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('gateway', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source_ref', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('payment_ref', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('sale','platform_fee','refund','fee_reversal','dispute','payout','payout_reversal')", name='ck_ledger_entries_kind'),
    sa.ForeignKeyConstraint(['payout_id'], ['payouts.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['purchase_id'], ['purchases.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['seller_id'], ['users.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'source_ref', name='uq_ledger_entries_kind_source')
    )
    op.create_index(op.f('ix_ledger_entries_payment_ref'), 'ledger_entries', ['payment_ref'], unique=False)
    op.create_index(op.f('ix_ledger_entries_purchase_id'), 'ledger_entries', ['purchase_id'], unique=False)
    op.create_index('ix_ledger_entries_seller_created', 'ledger_entries', ['seller_id', 'created_at'], unique=False)
    # The ledger is append-only in the database itself: a bug or a hand-written UPDATE cannot
    # rewrite history; corrections are new rows. (TRUNCATE, used by tests, is not a row change.)
    op.execute(
        """
        CREATE FUNCTION ledger_entries_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries "
        "FOR EACH ROW EXECUTE FUNCTION ledger_entries_refuse_change()"
    )
    op.create_table('license_activations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('license_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_validated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['license_id'], ['licenses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', name='uq_license_activations_instance_id')
    )
    op.create_index('ix_license_activations_license_active', 'license_activations', ['license_id', 'deactivated_at'], unique=False)
    op.add_column('licenses', sa.Column('key_salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('licenses', sa.Column('disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column('purchases', sa.Column('version_id', sa.Integer(), nullable=True))
    op.add_column('purchases', sa.Column('subscription_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True))
    op.add_column('purchases', sa.Column('subscription_event_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('purchases', sa.Column('disputed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_foreign_key('fk_purchases_version_id_listing_versions', 'purchases', 'listing_versions', ['version_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries")
    op.execute("DROP FUNCTION IF EXISTS ledger_entries_refuse_change()")
    op.drop_constraint('fk_purchases_version_id_listing_versions', 'purchases', type_='foreignkey')
    op.drop_column('purchases', 'disputed_at')
    op.drop_column('purchases', 'subscription_event_at')
    op.drop_column('purchases', 'subscription_status')
    op.drop_column('purchases', 'version_id')
    op.drop_column('licenses', 'disabled_reason')
    op.drop_column('licenses', 'key_salt')
    op.drop_index('ix_license_activations_license_active', table_name='license_activations')
    op.drop_table('license_activations')
    op.drop_index('ix_ledger_entries_seller_created', table_name='ledger_entries')
    op.drop_index(op.f('ix_ledger_entries_purchase_id'), table_name='ledger_entries')
    op.drop_index(op.f('ix_ledger_entries_payment_ref'), table_name='ledger_entries')
    op.drop_table('ledger_entries')
    op.drop_table('download_counts')
    op.drop_index('uq_checkout_attempts_open', table_name='checkout_attempts', postgresql_where=sa.text("status = 'open'"))
    op.drop_index(op.f('ix_checkout_attempts_purchase_id'), table_name='checkout_attempts')
    op.drop_index(op.f('ix_checkout_attempts_listing_id'), table_name='checkout_attempts')
    op.drop_index(op.f('ix_checkout_attempts_buyer_id'), table_name='checkout_attempts')
    op.drop_table('checkout_attempts')
    op.drop_table('seller_payout_accounts')
    op.drop_index('ix_payouts_seller_created', table_name='payouts')
    op.drop_table('payouts')
    op.drop_index('ix_notifications_user_created', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_processed_webhook_events_status_received', table_name='processed_webhook_events')
    op.drop_table('processed_webhook_events')
