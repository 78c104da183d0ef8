"""The payment gateway interface and the internal events every gateway feeds into fulfilment.

Like Saleor's gateway plugins: one small interface (create a checkout, onboard a seller, refund,
transfer, parse an incoming event), several implementations. Fulfilment only ever sees
`PaymentEvent`s, so the dummy gateway and Stripe share one code path from "paid" to "download".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol


class EventKind(StrEnum):
    checkout_completed = "checkout_completed"
    checkout_expired = "checkout_expired"
    invoice_paid = "invoice_paid"
    subscription_updated = "subscription_updated"
    subscription_deleted = "subscription_deleted"
    charge_refunded = "charge_refunded"
    dispute_created = "dispute_created"
    account_updated = "account_updated"


@dataclass
class PaymentEvent:
    """A gateway fact in our own words. Only the fields an event kind needs are set."""

    kind: str
    gateway: str
    event_id: str
    created: datetime
    purchase_id: int | None = None
    session_ref: str | None = None
    payment_status: str | None = None
    payment_ref: str | None = None  # Stripe PaymentIntent (or the dummy's equivalent)
    charge_ref: str | None = None
    subscription_ref: str | None = None
    invoice_ref: str | None = None
    billing_reason: str | None = None
    dispute_ref: str | None = None
    refund_ref: str | None = None
    amount_cents: int = 0
    amount_refunded_cents: int = 0
    fully_refunded: bool = False
    currency: str | None = None
    period_end: datetime | None = None
    ended_at: datetime | None = None
    subscription_status: str | None = None
    reason: str | None = None
    account_ref: str | None = None
    charges_enabled: bool = False
    payouts_enabled: bool = False
    details_submitted: bool = False
    requirements_due: list[str] = field(default_factory=list)
    disabled_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaymentEvent:
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in ("created", "period_end", "ended_at") and isinstance(value, str):
                value = datetime.fromisoformat(value)
            values[key] = value
        return cls(**values)


def from_timestamp(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    return datetime.fromtimestamp(int(value), UTC)


@dataclass(frozen=True)
class CheckoutRequest:
    """Everything a gateway needs to open a hosted checkout for one attempt."""

    attempt_id: int
    purchase_id: int
    idempotency_key: str
    mode: str  # "payment" | "subscription"
    listing_id: int
    listing_slug: str
    listing_title: str
    unit_amount_cents: int
    quantity: int
    currency: str
    interval: str | None  # "month" | "year" for subscriptions
    buyer_email: str
    platform_fee_cents: int
    platform_fee_percent: float
    destination_account: str | None
    success_url: str
    cancel_url: str
    expires_at: datetime

    @property
    def amount_cents(self) -> int:
        return self.unit_amount_cents * self.quantity


@dataclass(frozen=True)
class CheckoutSession:
    session_ref: str
    url: str


@dataclass(frozen=True)
class SellerAccount:
    account_ref: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    requirements_due: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RefundResult:
    refund_ref: str
    charge_ref: str | None
    status: str


class GatewayError(Exception):
    """The gateway refused or could not be reached; `message` is safe to show to a person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class GatewayOutcomeUnknown(GatewayError):
    """No answer (timeout, connection reset, a 5xx): the call may or may not have happened.

    Never treat this as a failure: retry later with the SAME idempotency key, which makes the
    gateway replay what it did (or do it once) — a new key could pay or refund twice.
    """


class PaymentGateway(Protocol):
    name: str

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession: ...

    def create_seller_account(
        self, *, seller_id: int, email: str, idempotency_key: str
    ) -> SellerAccount: ...

    def onboarding_link(
        self, *, account_ref: str, refresh_url: str, return_url: str, idempotency_key: str
    ) -> str: ...

    def refund(
        self,
        *,
        purchase_id: int,
        payment_ref: str,
        amount_cents: int,
        reverse_transfer: bool,
        idempotency_key: str,
    ) -> RefundResult: ...

    def cancel_subscription(self, *, subscription_ref: str) -> None: ...

    def transfer(
        self,
        *,
        account_ref: str,
        amount_cents: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> str: ...

    def parse_event(self, payload: dict[str, Any]) -> PaymentEvent | None:
        """Our event for a stored gateway payload, or None for events we do not act on."""
        ...
