"""Money: purchases and the license keys they grant. Amounts are integer cents + ISO currency."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import timestamp_field


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
