"""Stripe: Checkout Sessions (one-time and subscriptions), Connect Express sellers, refunds.

Money flow: with a seller's connected account ready, charges are destination charges: the
buyer pays the platform, Stripe moves the seller's share to the connected account at once and
keeps `application_fee_amount` (subscriptions: `application_fee_percent`) for the platform. Without
one, the platform keeps the funds and the ledger owes the seller a payout (a Stripe Transfer).

Every create call carries an Idempotency-Key chosen by the caller, so a retried request (ours
or stripe-python's own network retries) returns the same object instead of a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import stripe

from vibecoder.domain.commerce.gateways.base import (
    CheckoutRequest,
    CheckoutSession,
    EventKind,
    GatewayError,
    GatewayOutcomeUnknown,
    PaymentEvent,
    RefundResult,
    SellerAccount,
    from_timestamp,
)

# Stripe events fulfilment acts on; anything else is acknowledged and dropped.
HANDLED_EVENT_TYPES = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.expired",
        "invoice.paid",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "charge.refunded",
        "charge.dispute.created",
        "account.updated",
    }
)


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _ref(value: Any) -> str | None:
    """An id whether Stripe sent the bare id or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _purchase_id(*metadatas: Any) -> int | None:
    for metadata in metadatas:
        raw = _get(metadata, "purchase_id") if isinstance(metadata, dict) else None
        if raw is not None and str(raw).isdigit():
            return int(raw)
    return None


def _period_end(subscription: dict) -> datetime | None:
    # API versions before 2025-03-31 put the period on the subscription, later ones on its items.
    top = subscription.get("current_period_end")
    if top:
        return from_timestamp(top)
    ends = [
        item["current_period_end"]
        for item in _get(subscription, "items", "data") or []
        if isinstance(item, dict) and item.get("current_period_end")
    ]
    return from_timestamp(max(ends)) if ends else None


# stripe-python's retries of a request that got no answer (same Idempotency-Key each time).
MAX_NETWORK_RETRIES = 2


class StripeGateway:
    name = "stripe"

    def __init__(
        self, *, secret_key: str, api_base: str | None = None, timeout_seconds: float = 20.0
    ):
        bases = None
        if api_base:
            base = api_base.rstrip("/")
            bases = {"api": base, "connect": base, "files": base}
        # stripe-python's default client (requests) with our timeout instead of its 80 s; a
        # timed-out request is retried with the same Idempotency-Key, then GatewayOutcomeUnknown.
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses=bases,
            max_network_retries=MAX_NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=timeout_seconds),
        )

    @staticmethod
    def _fail(exc: stripe.StripeError) -> GatewayError:
        status = getattr(exc, "http_status", None)
        if isinstance(exc, stripe.APIConnectionError) or (status is not None and status >= 500):
            return GatewayOutcomeUnknown(
                "gateway_no_answer",
                "The payment provider did not answer in time; we are confirming the outcome.",
            )
        code = getattr(exc, "code", None) or "gateway_error"
        message = getattr(exc, "user_message", None) or "The payment provider refused the request."
        return GatewayError(str(code), str(message))

    # --- checkout -------------------------------------------------------------------------

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        metadata = {
            "purchase_id": str(request.purchase_id),
            "attempt_id": str(request.attempt_id),
            "listing_id": str(request.listing_id),
        }
        price_data: dict[str, Any] = {
            "currency": request.currency,
            "unit_amount": request.unit_amount_cents,
            "product_data": {"name": request.listing_title[:250]},
        }
        params: dict[str, Any] = {
            "mode": request.mode,
            "line_items": [{"price_data": price_data, "quantity": request.quantity}],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": str(request.purchase_id),
            "customer_email": request.buyer_email,
            "metadata": metadata,
            "expires_at": int(request.expires_at.timestamp()),
        }
        if request.mode == "subscription":
            price_data["recurring"] = {"interval": request.interval or "month"}
            subscription_data: dict[str, Any] = {"metadata": metadata}
            if request.destination_account:
                subscription_data["application_fee_percent"] = request.platform_fee_percent
                subscription_data["transfer_data"] = {"destination": request.destination_account}
            params["subscription_data"] = subscription_data
        else:
            intent_data: dict[str, Any] = {"metadata": metadata}
            if request.destination_account:
                intent_data["application_fee_amount"] = request.platform_fee_cents
                intent_data["transfer_data"] = {"destination": request.destination_account}
            params["payment_intent_data"] = intent_data
        try:
            session = self.client.v1.checkout.sessions.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            raise self._fail(exc) from exc
        return CheckoutSession(session_ref=session.id, url=str(session.to_dict().get("url") or ""))

    # --- Connect --------------------------------------------------------------------------

    def create_seller_account(
        self, *, seller_id: int, email: str, idempotency_key: str
    ) -> SellerAccount:
        try:
            account = self.client.v1.accounts.create(
                {
                    "type": "express",
                    "email": email,
                    "metadata": {"seller_id": str(seller_id)},
                    "capabilities": {
                        "card_payments": {"requested": True},
                        "transfers": {"requested": True},
                    },
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise self._fail(exc) from exc
        data = account.to_dict()
        return SellerAccount(
            account_ref=account.id,
            charges_enabled=bool(data.get("charges_enabled")),
            payouts_enabled=bool(data.get("payouts_enabled")),
            details_submitted=bool(data.get("details_submitted")),
        )

    def onboarding_link(
        self, *, account_ref: str, refresh_url: str, return_url: str, idempotency_key: str
    ) -> str:
        try:
            link = self.client.v1.account_links.create(
                {
                    "account": account_ref,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise self._fail(exc) from exc
        return link.url

    # --- refunds and transfers ------------------------------------------------------------

    def refund(
        self,
        *,
        purchase_id: int,
        payment_ref: str,
        amount_cents: int,
        reverse_transfer: bool,
        idempotency_key: str,
    ) -> RefundResult:
        params: dict[str, Any] = {
            "payment_intent": payment_ref,
            "amount": amount_cents,
            "metadata": {"purchase_id": str(purchase_id)},
        }
        if reverse_transfer:
            # Pull the seller's share back from the connected account and return our fee.
            params["reverse_transfer"] = True
            params["refund_application_fee"] = True
        try:
            refund = self.client.v1.refunds.create(params, {"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise self._fail(exc) from exc
        data = refund.to_dict()
        return RefundResult(
            refund_ref=refund.id,
            charge_ref=_ref(data.get("charge")),
            status=str(data.get("status")),
        )

    def cancel_subscription(self, *, subscription_ref: str) -> None:
        try:
            self.client.v1.subscriptions.cancel(subscription_ref)
        except stripe.InvalidRequestError as exc:
            # Already canceled is the state we want.
            if getattr(exc, "code", None) != "resource_missing":
                raise self._fail(exc) from exc
        except stripe.StripeError as exc:
            raise self._fail(exc) from exc

    def transfer(
        self,
        *,
        account_ref: str,
        amount_cents: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> str:
        try:
            transfer = self.client.v1.transfers.create(
                {
                    "amount": amount_cents,
                    "currency": currency,
                    "destination": account_ref,
                    "description": description[:300],
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise self._fail(exc) from exc
        return transfer.id

    # --- events ---------------------------------------------------------------------------

    def parse_event(self, payload: dict[str, Any]) -> PaymentEvent | None:
        return parse_stripe_event(payload)


def parse_stripe_event(payload: dict[str, Any]) -> PaymentEvent | None:
    """Our event for a Stripe event object; needs no API key (workers parse stored events)."""
    event_type = payload.get("type")
    obj = _get(payload, "data", "object")
    if event_type not in HANDLED_EVENT_TYPES or not isinstance(obj, dict):
        return None
    base = {
        "gateway": "stripe",
        "event_id": str(payload.get("id")),
        "created": from_timestamp(payload.get("created")) or datetime.now(UTC),
    }
    if event_type.startswith("checkout.session."):
        kind = (
            EventKind.checkout_expired
            if event_type == "checkout.session.expired"
            else EventKind.checkout_completed
        )
        reference = obj.get("client_reference_id")
        return PaymentEvent(
            kind=kind,
            **base,
            purchase_id=_purchase_id(obj.get("metadata"))
            or (int(reference) if str(reference or "").isdigit() else None),
            session_ref=obj.get("id"),
            payment_status=obj.get("payment_status"),
            payment_ref=_ref(obj.get("payment_intent")),
            subscription_ref=_ref(obj.get("subscription")),
            amount_cents=int(obj.get("amount_total") or 0),
            currency=obj.get("currency"),
        )
    if event_type == "invoice.paid":
        details = _get(obj, "parent", "subscription_details") or {}
        lines = _get(obj, "lines", "data") or []
        ends = [_get(line, "period", "end") for line in lines if _get(line, "period", "end")]
        payments = _get(obj, "payments", "data") or []
        intent = obj.get("payment_intent") or next(
            (_get(p, "payment", "payment_intent") for p in payments if isinstance(p, dict)),
            None,
        )
        return PaymentEvent(
            kind=EventKind.invoice_paid,
            **base,
            purchase_id=_purchase_id(
                details.get("metadata"), _get(obj, "subscription_details", "metadata")
            ),
            invoice_ref=obj.get("id"),
            billing_reason=obj.get("billing_reason"),
            subscription_ref=_ref(obj.get("subscription")) or _ref(details.get("subscription")),
            payment_ref=_ref(intent),
            charge_ref=_ref(obj.get("charge")),
            amount_cents=int(obj.get("amount_paid") or 0),
            currency=obj.get("currency"),
            period_end=from_timestamp(max(ends)) if ends else from_timestamp(obj.get("period_end")),
        )
    if event_type.startswith("customer.subscription."):
        deleted = event_type == "customer.subscription.deleted"
        return PaymentEvent(
            kind=EventKind.subscription_deleted if deleted else EventKind.subscription_updated,
            **base,
            purchase_id=_purchase_id(obj.get("metadata")),
            subscription_ref=obj.get("id"),
            subscription_status=obj.get("status"),
            period_end=_period_end(obj),
            ended_at=from_timestamp(obj.get("ended_at")),
        )
    if event_type == "charge.refunded":
        return PaymentEvent(
            kind=EventKind.charge_refunded,
            **base,
            purchase_id=_purchase_id(obj.get("metadata")),
            charge_ref=obj.get("id"),
            payment_ref=_ref(obj.get("payment_intent")),
            amount_cents=int(obj.get("amount") or 0),
            amount_refunded_cents=int(obj.get("amount_refunded") or 0),
            fully_refunded=bool(obj.get("refunded")),
            currency=obj.get("currency"),
        )
    if event_type == "charge.dispute.created":
        return PaymentEvent(
            kind=EventKind.dispute_created,
            **base,
            purchase_id=_purchase_id(obj.get("metadata")),
            dispute_ref=obj.get("id"),
            charge_ref=_ref(obj.get("charge")),
            payment_ref=_ref(obj.get("payment_intent")),
            amount_cents=int(obj.get("amount") or 0),
            currency=obj.get("currency"),
            reason=obj.get("reason"),
        )
    # account.updated
    requirements = obj.get("requirements") or {}
    return PaymentEvent(
        kind=EventKind.account_updated,
        **base,
        account_ref=obj.get("id"),
        charges_enabled=bool(obj.get("charges_enabled")),
        payouts_enabled=bool(obj.get("payouts_enabled")),
        details_submitted=bool(obj.get("details_submitted")),
        requirements_due=[str(r) for r in requirements.get("currently_due") or []][:50],
        disabled_reason=requirements.get("disabled_reason"),
    )


def verify_signature(
    *, payload: bytes, header: str | None, secrets: list[str], tolerance: int, now: float
) -> bool:
    """Stripe-Signature check with stripe-python's own verifier, for any configured secret.

    The header may carry several v1 signatures (Stripe signs with old and new secrets while
    one is rolled); the library accepts a match on any. A stale timestamp (older than the
    tolerance) fails; so does one from the future beyond it, which Stripe never sends.
    """
    if not header or not secrets:
        return False
    try:
        parts = [part.strip() for part in header.split(",")]
        timestamp = int(next(part[2:] for part in parts if part.startswith("t=")))
    except (StopIteration, ValueError):
        return False
    if timestamp > now + tolerance:
        return False
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
            return True
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError):
            continue
    return False
