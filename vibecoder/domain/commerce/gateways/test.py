"""The embedded test gateway: a local checkout page, Stripe's test cards, no money moves.

It is the default when no Stripe keys are configured, so a laptop or CI can buy, refund and
pay out end to end. It emits the same internal events Stripe's webhooks become, recorded in the
same processed-events table and handled by the same Celery task: only the transport differs.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vibecoder.domain.commerce.gateways.base import (
    CheckoutRequest,
    CheckoutSession,
    PaymentEvent,
    RefundResult,
    SellerAccount,
)
from vibecoder.settings import get_settings


@dataclass(frozen=True)
class CardOutcome:
    approved: bool
    code: str
    message: str


# Stripe's documented test card numbers and what they do.
TEST_CARDS: dict[str, CardOutcome] = {
    "4242424242424242": CardOutcome(True, "approved", "Payment approved."),
    "5555555555554444": CardOutcome(True, "approved", "Payment approved."),
    "4000056655665556": CardOutcome(True, "approved", "Payment approved."),
    "4000000000000002": CardOutcome(False, "card_declined", "Your card was declined."),
    "4000000000009995": CardOutcome(
        False, "insufficient_funds", "Your card has insufficient funds."
    ),
    "4000000000000069": CardOutcome(False, "expired_card", "Your card has expired."),
    "4000000000000127": CardOutcome(
        False, "incorrect_cvc", "Your card's security code is incorrect."
    ),
    "4000000000000119": CardOutcome(
        False, "processing_error", "An error occurred while processing your card. Try again."
    ),
}


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def charge_card(number: str) -> CardOutcome:
    digits = "".join(c for c in number if c.isdigit())
    if len(digits) < 12 or not luhn_ok(digits):
        return CardOutcome(False, "incorrect_number", "Your card number is incorrect.")
    known = TEST_CARDS.get(digits)
    if known is not None:
        return known
    # Like Stripe in test mode: real-looking numbers are refused.
    return CardOutcome(
        False,
        "card_declined",
        "Your card was declined: this is a test checkout, use a test card such as "
        "4242 4242 4242 4242.",
    )


def _token(kind: str, seed: str) -> str:
    """A stable reference derived from an idempotency key: the same request, the same object."""
    key = get_settings().secret_key.encode()
    return f"{kind}_dummy_" + hmac.new(key, seed.encode(), hashlib.sha256).hexdigest()[:24]


class DummyGateway:
    name = "dummy"

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        session_ref = _token("cs", request.idempotency_key)
        url = f"{get_settings().public_api_url}/api/checkout/dummy/{session_ref}"
        return CheckoutSession(session_ref=session_ref, url=url)

    def create_seller_account(
        self, *, seller_id: int, email: str, idempotency_key: str
    ) -> SellerAccount:
        return SellerAccount(
            account_ref=f"acct_dummy_{seller_id}",
            charges_enabled=True,
            payouts_enabled=True,
            details_submitted=True,
        )

    def onboarding_link(
        self, *, account_ref: str, refresh_url: str, return_url: str, idempotency_key: str
    ) -> str:
        return return_url  # nothing to fill in for a test account

    def refund(
        self,
        *,
        purchase_id: int,
        payment_ref: str,
        amount_cents: int,
        reverse_transfer: bool,
        idempotency_key: str,
    ) -> RefundResult:
        return RefundResult(
            refund_ref=_token("re", idempotency_key), charge_ref=payment_ref, status="succeeded"
        )

    def cancel_subscription(self, *, subscription_ref: str) -> None:
        return None

    def transfer(
        self,
        *,
        account_ref: str,
        amount_cents: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> str:
        return _token("tr", idempotency_key)

    def parse_event(self, payload: dict[str, Any]) -> PaymentEvent | None:
        return PaymentEvent.from_dict(payload)

    # --- what the checkout page emits -----------------------------------------------------

    def completion_events(
        self,
        *,
        session_ref: str,
        purchase_id: int,
        mode: str,
        amount_cents: int,
        currency: str,
        period_end: datetime | None,
        now: datetime,
    ) -> list[PaymentEvent]:
        """What Stripe would send after a successful payment (event ids stable per session)."""
        payment_ref = _token("pi", session_ref)
        events = [
            PaymentEvent(
                kind="checkout_completed",
                gateway=self.name,
                event_id=f"evt_dummy_completed_{session_ref}",
                created=now,
                purchase_id=purchase_id,
                session_ref=session_ref,
                payment_status="paid",
                payment_ref=None if mode == "subscription" else payment_ref,
                subscription_ref=_token("sub", session_ref) if mode == "subscription" else None,
                amount_cents=amount_cents,
                currency=currency,
            )
        ]
        if mode == "subscription":
            events.append(
                PaymentEvent(
                    kind="invoice_paid",
                    gateway=self.name,
                    event_id=f"evt_dummy_invoice_{session_ref}",
                    created=now,
                    purchase_id=purchase_id,
                    invoice_ref=_token("in", session_ref),
                    billing_reason="subscription_create",
                    subscription_ref=_token("sub", session_ref),
                    payment_ref=payment_ref,
                    amount_cents=amount_cents,
                    currency=currency,
                    period_end=period_end,
                )
            )
        return events
