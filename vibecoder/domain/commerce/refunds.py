"""Refunds a seller (within the refund window) or an admin makes from the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from vibecoder.domain.commerce.access import lock_purchase
from vibecoder.domain.commerce.errors import PaymentUnavailable
from vibecoder.domain.commerce.gateways import (
    EventKind,
    GatewayError,
    GatewayOutcomeUnknown,
    PaymentEvent,
    get_gateway,
)
from vibecoder.domain.commerce.handlers import charge_refunded
from vibecoder.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import (
    CheckoutAttempt,
    LedgerEntry,
    LedgerKind,
    Purchase,
    PurchaseStatus,
)
from vibecoder.models.users import Role, User
from vibecoder.settings import get_settings

# Failed gateway refunds of one purchase; each failure moves its next try to a new idempotency key.
REFUND_FAILURES = "vibecoder:refund-failures:{}"


def refund_purchase(
    *,
    session: Session,
    actor: User,
    purchase_id: int,
    admin_override_window: bool = False,
    now: datetime | None = None,
) -> Purchase:
    """Refund a paid purchase: the seller within the refund window, or an admin.

    The gateway refund (Stripe: with the seller's transfer and our fee reversed) is made with
    an idempotency key per purchase, then applied at once through the same handler the
    `charge.refunded` webhook uses; that webhook then finds nothing left to do.
    """
    now = now or datetime.now(UTC)
    purchase = lock_purchase(session, purchase_id)
    listing = session.get(Listing, purchase.listing_id) if purchase else None
    is_admin = actor.role == Role.admin
    if purchase is None or listing is None or not (is_admin or listing.seller_id == actor.id):
        raise NotFound("purchase_not_found", "No such order.")
    if purchase.status != PurchaseStatus.paid:
        raise Conflict("not_refundable", f"Order #{purchase.id} is {purchase.status}.")
    if purchase.amount_cents == 0:
        raise Conflict("not_refundable", "Free orders have nothing to refund.")
    window = timedelta(days=get_settings().refund_window_days)
    if (purchase.paid_at or purchase.created_at) + window < now and not (
        is_admin and admin_override_window
    ):
        raise PermissionDenied(
            "refund_window_passed",
            f"Refunds are possible for {window.days} days after the purchase.",
        )
    sale = session.exec(
        select(LedgerEntry)
        .where(LedgerEntry.purchase_id == purchase.id, LedgerEntry.kind == LedgerKind.sale.value)
        .order_by(LedgerEntry.id.desc())
    ).first()
    payment_ref = (sale.payment_ref if sale else None) or purchase.gateway_ref
    amount = sale.amount_cents if sale else purchase.amount_cents
    charge_ref = payment_ref
    if purchase.gateway in ("stripe", "dummy"):
        if not payment_ref:
            raise ValidationFailed("no_payment", "This order has no payment to refund.")
        gateway = get_gateway(purchase.gateway)
        attempt = session.exec(
            select(CheckoutAttempt).where(CheckoutAttempt.purchase_id == purchase.id)
        ).first()
        failures_key = REFUND_FAILURES.format(purchase.id)
        redis_client = get_redis()
        failures = int(redis_client.get(failures_key) or 0)
        try:
            result = gateway.refund(
                purchase_id=purchase.id,
                payment_ref=payment_ref,
                amount_cents=amount,
                reverse_transfer=bool(attempt and attempt.destination_account),
                idempotency_key=f"vc-refund-{purchase.id}"
                + (f"-retry{failures}" if failures else ""),
            )
            if purchase.subscription_ref:
                gateway.cancel_subscription(subscription_ref=purchase.subscription_ref)
        except GatewayOutcomeUnknown as exc:
            # No answer: keep the key (no failure counted) and let the reconciler finish it.
            from vibecoder.domain.commerce import reconcile

            reconcile.record_pending_refund(
                redis_client, purchase_id=purchase.id, actor_id=actor.id
            )
            raise PaymentUnavailable("refund_pending", exc.message) from exc
        except GatewayError as exc:
            # Stripe keeps an error under its idempotency key and replays it for 24 hours, so
            # the next try after a failure gets a new key. A refund that went through keeps
            # its key: a retry after a crash replays that success instead of refunding twice.
            with redis_client.pipeline() as pipe:
                pipe.incr(failures_key).expire(failures_key, 2 * 86400).execute()
            raise PaymentUnavailable("refund_failed", exc.message) from exc
        charge_ref = result.charge_ref or payment_ref
    event = PaymentEvent(
        kind=EventKind.charge_refunded,
        gateway=purchase.gateway,
        event_id=f"refund:{purchase.id}",
        created=now,
        purchase_id=purchase.id,
        charge_ref=charge_ref,
        payment_ref=payment_ref,
        amount_cents=amount,
        amount_refunded_cents=amount,
        fully_refunded=True,
        currency=purchase.currency,
    )
    charge_refunded(session, event)
    session.flush()
    return purchase
