"""Money: purchases and the license keys they grant. Amounts are integer cents + ISO currency."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import json_field, timestamp_field


class PurchaseStatus(StrEnum):
    pending = "pending"
    paid = "paid"
    refunded = "refunded"
    disputed = "disputed"
    canceled = "canceled"


class LicenseStatus(StrEnum):
    inactive = "inactive"
    active = "active"
    expired = "expired"
    disabled = "disabled"


class Purchase(SQLModel, table=True):
    __tablename__ = "purchases"
    __table_args__ = (
        sa.UniqueConstraint("idempotency_key", name="uq_purchases_idempotency_key"),
        sa.CheckConstraint("amount_cents >= 0", name="ck_purchases_amount_nonnegative"),
        sa.CheckConstraint(
            "status in ('pending','paid','refunded','disputed','canceled')",
            name="ck_purchases_status",
        ),
        sa.Index("ix_purchases_buyer_listing", "buyer_id", "listing_id"),
        sa.Index("ix_purchases_gateway_ref", "gateway", "gateway_ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="users.id", index=True, ondelete="RESTRICT")
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="RESTRICT")
    status: str = Field(default=PurchaseStatus.pending, max_length=16)
    amount_cents: int = Field(default=0, ge=0)
    currency: str = Field(default="usd", min_length=3, max_length=3)
    platform_fee_cents: int = Field(default=0, ge=0)
    gateway: str = Field(default="dummy", max_length=16)
    gateway_ref: str | None = Field(default=None, max_length=255)
    idempotency_key: str = Field(max_length=128)
    subscription_ref: str | None = Field(default=None, max_length=255, index=True)
    current_period_end: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    paid_at: datetime | None = timestamp_field(nullable=True)
    refunded_at: datetime | None = timestamp_field(nullable=True)
    # Added in 0003 (nullable: purchases written before it stay valid).
    version_id: int | None = Field(
        default=None, foreign_key="listing_versions.id", ondelete="SET NULL"
    )
    subscription_status: str | None = Field(default=None, max_length=24)
    # `created` of the newest subscription event applied; older ones arriving late are ignored.
    subscription_event_at: datetime | None = timestamp_field(nullable=True)
    disputed_at: datetime | None = timestamp_field(nullable=True)


class License(SQLModel, table=True):
    """A license key; only its SHA-256 and a short visible prefix are stored."""

    __tablename__ = "licenses"
    __table_args__ = (
        sa.CheckConstraint(
            "status in ('inactive','active','expired','disabled')", name="ck_licenses_status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    purchase_id: int = Field(foreign_key="purchases.id", unique=True, ondelete="CASCADE")
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="RESTRICT")
    key_hash: str = Field(max_length=64, unique=True)
    key_prefix: str = Field(max_length=16)
    status: str = Field(default=LicenseStatus.inactive, max_length=16)
    activation_limit: int | None = Field(default=None, ge=0)
    usage_limit: int | None = Field(default=None, ge=0)
    usage_count: int = Field(default=0, ge=0)
    expires_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    # Added in 0003. The key itself is never stored: its owner sees it again because it is
    # re-derived from this random salt and the server secret (services.licensing).
    key_salt: str | None = Field(default=None, max_length=64)
    disabled_reason: str | None = Field(default=None, max_length=200)


# --- Commerce: checkout, fulfilment, licensing, downloads, payouts, notifications -------------
# The columns below were added by migration 0003; every new column on an existing table is
# nullable so rows written before it (seed purchases, imports) stay valid.


class CheckoutStatus(StrEnum):
    open = "open"
    completed = "completed"
    expired = "expired"
    failed = "failed"


class CheckoutAttempt(SQLModel, table=True):
    """One buyer's attempt to pay for one listing; at most one open attempt per buyer+listing.

    The attempt's idempotency key is sent with every gateway create call, so a double click or a
    retried request reuses the same gateway session and the same pending purchase.
    """

    __tablename__ = "checkout_attempts"
    __table_args__ = (
        sa.UniqueConstraint("idempotency_key", name="uq_checkout_attempts_idempotency_key"),
        sa.UniqueConstraint("gateway", "session_ref", name="uq_checkout_attempts_session"),
        sa.CheckConstraint(
            "status in ('open','completed','expired','failed')", name="ck_checkout_attempts_status"
        ),
        # The database, not the application, decides which of two racing clicks wins.
        sa.Index(
            "uq_checkout_attempts_open",
            "buyer_id",
            "listing_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="CASCADE")
    purchase_id: int | None = Field(
        default=None, foreign_key="purchases.id", index=True, ondelete="CASCADE"
    )
    gateway: str = Field(max_length=16)
    mode: str = Field(default="payment", max_length=16)
    status: str = Field(default=CheckoutStatus.open, max_length=16)
    idempotency_key: str = Field(max_length=128)
    session_ref: str | None = Field(default=None, max_length=255)
    checkout_url: str | None = Field(default=None, max_length=2000)
    # The seller's connected account when the charge is a destination charge (None: the
    # platform holds the funds and owes a payout).
    destination_account: str | None = Field(default=None, max_length=255)
    amount_cents: int = Field(default=0, ge=0)
    currency: str = Field(default="usd", max_length=3)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()


class WebhookEventStatus(StrEnum):
    received = "received"
    processed = "processed"
    failed = "failed"


class ProcessedWebhookEvent(SQLModel, table=True):
    """Every gateway event once: the unique (gateway, event_id) makes replays do nothing."""

    __tablename__ = "processed_webhook_events"
    __table_args__ = (
        sa.UniqueConstraint("gateway", "event_id", name="uq_processed_webhook_events_event"),
        sa.CheckConstraint(
            "status in ('received','processed','failed')",
            name="ck_processed_webhook_events_status",
        ),
        sa.Index("ix_processed_webhook_events_status_received", "status", "received_at"),
    )

    id: int | None = Field(default=None, sa_type=sa.BigInteger, primary_key=True)
    gateway: str = Field(max_length=16)
    event_id: str = Field(max_length=255)
    event_type: str = Field(max_length=100)
    status: str = Field(default=WebhookEventStatus.received, max_length=16)
    payload: dict = json_field(default_factory=dict)
    attempts: int = Field(default=0)
    # What applying it did ("paid", "stale", "already_applied"...), for operators and tests.
    outcome: str | None = Field(default=None, max_length=40)
    error: str | None = Field(default=None, max_length=1000)
    received_at: datetime = timestamp_field()
    processed_at: datetime | None = timestamp_field(nullable=True)


class LicenseActivation(SQLModel, table=True):
    """One machine/instance using a license key; deactivating frees the slot (kept for audit)."""

    __tablename__ = "license_activations"
    __table_args__ = (
        sa.UniqueConstraint("instance_id", name="uq_license_activations_instance_id"),
        sa.Index("ix_license_activations_license_active", "license_id", "deactivated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    license_id: int = Field(foreign_key="licenses.id", ondelete="CASCADE")
    instance_id: str = Field(max_length=64)
    name: str = Field(max_length=200)
    created_at: datetime = timestamp_field()
    last_validated_at: datetime | None = timestamp_field(nullable=True)
    deactivated_at: datetime | None = timestamp_field(nullable=True)


class LedgerKind(StrEnum):
    sale = "sale"
    platform_fee = "platform_fee"
    refund = "refund"
    fee_reversal = "fee_reversal"
    dispute = "dispute"
    payout = "payout"
    payout_reversal = "payout_reversal"


LEDGER_KINDS = tuple(k.value for k in LedgerKind)


class LedgerEntry(SQLModel, table=True):
    """Append-only money movements of a seller, signed from the seller's point of view.

    A database trigger (migration 0003) refuses UPDATE and DELETE: corrections are new rows.
    `source_ref` names the gateway fact behind a row (invoice, refund, payout...), so the same
    fact delivered twice cannot be booked twice.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.UniqueConstraint("kind", "source_ref", name="uq_ledger_entries_kind_source"),
        sa.CheckConstraint(
            "kind in (" + ",".join(f"'{k}'" for k in LEDGER_KINDS) + ")",
            name="ck_ledger_entries_kind",
        ),
        sa.Index("ix_ledger_entries_seller_created", "seller_id", "created_at"),
    )

    id: int | None = Field(default=None, sa_type=sa.BigInteger, primary_key=True)
    seller_id: int = Field(foreign_key="users.id", ondelete="RESTRICT")
    purchase_id: int | None = Field(
        default=None, foreign_key="purchases.id", index=True, ondelete="RESTRICT"
    )
    payout_id: int | None = Field(default=None, foreign_key="payouts.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    amount_cents: int
    currency: str = Field(max_length=3)
    gateway: str = Field(max_length=16)
    source_ref: str = Field(max_length=255)
    payment_ref: str | None = Field(default=None, max_length=255, index=True)
    description: str = Field(default="", max_length=300)
    created_at: datetime = timestamp_field()


class PayoutStatus(StrEnum):
    processing = "processing"
    paid = "paid"
    failed = "failed"


class Payout(SQLModel, table=True):
    """Money leaving the platform for a seller: processing → paid | failed (with a reason)."""

    __tablename__ = "payouts"
    __table_args__ = (
        sa.CheckConstraint("status in ('processing','paid','failed')", name="ck_payouts_status"),
        sa.CheckConstraint("amount_cents > 0", name="ck_payouts_amount_positive"),
        sa.Index("ix_payouts_seller_created", "seller_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    seller_id: int = Field(foreign_key="users.id", ondelete="RESTRICT")
    amount_cents: int
    currency: str = Field(max_length=3)
    status: str = Field(default=PayoutStatus.processing, max_length=16)
    method: str = Field(max_length=32)
    gateway_ref: str | None = Field(default=None, max_length=255)
    failure_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class SellerPayoutAccount(SQLModel, table=True):
    """Where a seller is paid: a Stripe Connect Express account, or the dummy test account."""

    __tablename__ = "seller_payout_accounts"
    __table_args__ = (
        sa.UniqueConstraint("gateway", "account_ref", name="uq_seller_payout_accounts_ref"),
    )

    seller_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    gateway: str = Field(max_length=16)
    account_ref: str = Field(max_length=255)
    charges_enabled: bool = Field(default=False)
    payouts_enabled: bool = Field(default=False)
    details_submitted: bool = Field(default=False)
    requirements_due: list = json_field(default_factory=list)
    disabled_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class Notification(SQLModel, table=True):
    """An in-app notice (the navbar bell); `dedupe_key` makes each notice happen once per user."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, sa_type=sa.BigInteger, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=5000)
    link: str | None = Field(default=None, max_length=500)
    dedupe_key: str = Field(max_length=200)
    emailed_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    read_at: datetime | None = timestamp_field(nullable=True)


class DownloadCount(SQLModel, table=True):
    """Downloads per purchase and version, bumped with an upsert each time a signed URL is used."""

    __tablename__ = "download_counts"

    purchase_id: int = Field(foreign_key="purchases.id", primary_key=True, ondelete="CASCADE")
    version_id: int = Field(foreign_key="listing_versions.id", primary_key=True, ondelete="CASCADE")
    count: int = Field(default=0, ge=0)
    first_downloaded_at: datetime = timestamp_field()
    last_downloaded_at: datetime = timestamp_field()
