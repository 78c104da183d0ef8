"""The webhook event handlers: one per internal event kind, each idempotent.

`apply_event` runs under the caller's transaction; handlers lock the purchase they change
(`SELECT ... FOR UPDATE`), so duplicates, replays and racing deliveries change nothing twice.
An event that depends on one not applied yet (a refund before its payment) raises NotReady.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from vibecoder.domain.accounts import notifications
from vibecoder.domain.commerce import ledger, licensing
from vibecoder.domain.commerce.access import lock_purchase
from vibecoder.domain.commerce.errors import NotReady
from vibecoder.domain.commerce.gateways import EventKind, PaymentEvent
from vibecoder.domain.commerce.money import format_amount
from vibecoder.domain.commerce.purchases import (
    expire_attempt,
    fee_percent,
    mark_paid,
    record_analytics,
    revoke,
)
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import (
    CheckoutAttempt,
    CheckoutStatus,
    LedgerEntry,
    LedgerKind,
    Purchase,
    PurchaseStatus,
    SellerPayoutAccount,
)


def find_purchase(session: Session, event: PaymentEvent) -> Purchase | None:
    """The purchase an event is about, locked; None when it is not (yet) known here."""
    purchase_id = event.purchase_id
    if purchase_id is None and event.session_ref:
        purchase_id = session.exec(
            select(CheckoutAttempt.purchase_id).where(
                CheckoutAttempt.gateway == event.gateway,
                CheckoutAttempt.session_ref == event.session_ref,
            )
        ).first()
    if purchase_id is None and event.payment_ref:
        purchase_id = (
            session.exec(
                select(Purchase.id).where(
                    Purchase.gateway == event.gateway, Purchase.gateway_ref == event.payment_ref
                )
            ).first()
            or session.exec(
                select(LedgerEntry.purchase_id).where(
                    LedgerEntry.gateway == event.gateway,
                    LedgerEntry.payment_ref == event.payment_ref,
                    LedgerEntry.kind == LedgerKind.sale.value,
                )
            ).first()
        )
    if purchase_id is None and event.subscription_ref:
        purchase_id = session.exec(
            select(Purchase.id).where(
                Purchase.gateway == event.gateway,
                Purchase.subscription_ref == event.subscription_ref,
            )
        ).first()
    if purchase_id is None:
        return None
    purchase = lock_purchase(session, int(purchase_id))
    # A Stripe event can never touch a dummy (or free) purchase, nor the reverse.
    if purchase is None or purchase.gateway != event.gateway:
        return None
    return purchase


def apply_event(*, session: Session, event: PaymentEvent) -> str:
    handlers = {
        EventKind.checkout_completed: _checkout_completed,
        EventKind.checkout_expired: _checkout_expired,
        EventKind.invoice_paid: _invoice_paid,
        EventKind.subscription_updated: _subscription_changed,
        EventKind.subscription_deleted: _subscription_changed,
        EventKind.charge_refunded: charge_refunded,
        EventKind.dispute_created: _dispute_created,
        EventKind.account_updated: _account_updated,
    }
    try:
        handler = handlers[EventKind(event.kind)]
    except (ValueError, KeyError):
        return "ignored"
    return handler(session, event)


def _checkout_completed(session: Session, event: PaymentEvent) -> str:
    purchase = find_purchase(session, event)
    if purchase is None:
        return "unknown_checkout"
    if event.payment_status not in (None, "paid", "no_payment_required"):
        # Delayed payment methods: checkout.session.async_payment_succeeded follows.
        return "awaiting_payment"
    if purchase.status not in (PurchaseStatus.pending, PurchaseStatus.canceled):
        return "already_applied"
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    mark_paid(
        session,
        purchase,
        listing,
        payment_ref=event.payment_ref,
        subscription_ref=event.subscription_ref,
        at=event.created,
    )
    return "paid"


def _checkout_expired(session: Session, event: PaymentEvent) -> str:
    attempt = session.exec(
        select(CheckoutAttempt)
        .where(
            CheckoutAttempt.gateway == event.gateway,
            CheckoutAttempt.session_ref == event.session_ref,
        )
        .with_for_update()
    ).first()
    if attempt is None or attempt.status != CheckoutStatus.open:
        return "ignored"
    expire_attempt(session, attempt)
    return "expired"


def require_settled(purchase: Purchase | None) -> Purchase:
    if purchase is None or purchase.status in (PurchaseStatus.pending, PurchaseStatus.canceled):
        raise NotReady("the purchase is not paid yet here")
    return purchase


def _invoice_paid(session: Session, event: PaymentEvent) -> str:
    purchase = require_settled(find_purchase(session, event))
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    attempt = session.exec(
        select(CheckoutAttempt).where(CheckoutAttempt.purchase_id == purchase.id)
    ).first()
    booked = ledger.record_sale(
        session=session,
        purchase=purchase,
        seller_id=listing.seller_id,
        gross_cents=event.amount_cents,
        currency=event.currency or purchase.currency,
        source_ref=f"{purchase.gateway}:invoice:{event.invoice_ref}",
        payment_ref=event.payment_ref,
        transferred=bool(attempt and attempt.destination_account),
        description=f"Subscription payment for {listing.title} (order #{purchase.id})",
        fee_percent=fee_percent(purchase),
    )
    if purchase.status != PurchaseStatus.paid or purchase.subscription_status == "canceled":
        return "booked" if booked else "already_applied"
    if event.period_end and (
        purchase.current_period_end is None or event.period_end > purchase.current_period_end
    ):
        purchase.current_period_end = event.period_end
        session.add(purchase)
        licensing.set_expiry(
            session=session, purchase_id=purchase.id, expires_at=purchase.current_period_end
        )
    if booked and event.billing_reason == "subscription_cycle":
        # The first cycle is the purchase event; each later one is revenue of its own.
        record_analytics(
            session,
            kind="renewal",
            listing=listing,
            user_id=purchase.buyer_id,
            amount=event.amount_cents,
            currency=event.currency or purchase.currency,
        )
        notifications.notify(
            session=session,
            user_id=purchase.buyer_id,
            kind="receipt",
            title=f"Receipt: {listing.title} renewed",
            body=(
                f"Order #{purchase.id}: {format_amount(event.amount_cents, purchase.currency)} "
                f"paid; access until {purchase.current_period_end:%Y-%m-%d}."
            ),
            link="/library",
            dedupe_key=f"invoice:{event.invoice_ref}",
        )
    session.flush()
    return "invoice_booked" if booked else "already_applied"


def _subscription_changed(session: Session, event: PaymentEvent) -> str:
    purchase = require_settled(find_purchase(session, event))
    last = purchase.subscription_event_at
    if last is not None and event.created < last:
        return "stale"
    deleted = event.kind == EventKind.subscription_deleted
    purchase.subscription_event_at = event.created
    purchase.subscription_status = "canceled" if deleted else (event.subscription_status or None)
    purchase.subscription_ref = purchase.subscription_ref or event.subscription_ref
    if deleted:
        # Access runs to the end of what was paid for, or stops when Stripe ended it early.
        end = event.ended_at or event.period_end or event.created
        if purchase.current_period_end is None or end < purchase.current_period_end:
            purchase.current_period_end = end
    elif event.period_end and (
        purchase.current_period_end is None or event.period_end > purchase.current_period_end
    ):
        purchase.current_period_end = event.period_end
    session.add(purchase)
    licensing.set_expiry(
        session=session, purchase_id=purchase.id, expires_at=purchase.current_period_end
    )
    if deleted and purchase.status == PurchaseStatus.paid:
        listing = session.get(Listing, purchase.listing_id)
        notifications.notify(
            session=session,
            user_id=purchase.buyer_id,
            kind="subscription",
            title=f"Subscription ended: {listing.title if listing else 'listing'}",
            body=f"You keep access until {purchase.current_period_end:%Y-%m-%d %H:%M UTC}.",
            link="/library",
            dedupe_key=f"subscription-ended:{purchase.id}",
        )
    session.flush()
    return "subscription_canceled" if deleted else "subscription_updated"


def charge_refunded(session: Session, event: PaymentEvent) -> str:
    purchase = require_settled(find_purchase(session, event))
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    total = event.amount_refunded_cents
    booked = ledger.record_reversal(
        session=session,
        purchase=purchase,
        seller_id=listing.seller_id,
        kind=LedgerKind.refund,
        total_reversed_cents=total,
        currency=event.currency or purchase.currency,
        source_ref=f"{purchase.gateway}:refund:{event.charge_ref or event.payment_ref}:{total}",
        description=f"Refund of order #{purchase.id} ({listing.title})",
    )
    fully = event.fully_refunded or (event.amount_cents and total >= event.amount_cents)
    revoking = purchase.status == PurchaseStatus.paid and bool(fully)
    if revoking and not ledger.has_sale(session=session, purchase_id=purchase.id):
        booked = purchase.amount_cents  # an order from before the ledger: all of it goes back
    if booked > 0 and purchase.status == PurchaseStatus.paid:
        # One event per refund with the money that went back, so partial refunds net revenue
        # too and a later full refund adds only the rest.
        record_analytics(
            session,
            kind="refund",
            listing=listing,
            user_id=purchase.buyer_id,
            amount=booked,
            currency=event.currency or purchase.currency,
        )
    if revoking:
        revoke(session, purchase, status=PurchaseStatus.refunded, at=event.created, why="refunded")
        return "refunded"
    return "partially_refunded" if purchase.status == PurchaseStatus.paid else "already_applied"


def _dispute_created(session: Session, event: PaymentEvent) -> str:
    purchase = require_settled(find_purchase(session, event))
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    ledger.record_reversal(
        session=session,
        purchase=purchase,
        seller_id=listing.seller_id,
        kind=LedgerKind.dispute,
        total_reversed_cents=event.amount_cents,
        currency=event.currency or purchase.currency,
        source_ref=f"{purchase.gateway}:dispute:{event.dispute_ref}",
        description=f"Dispute on order #{purchase.id} ({event.reason or 'no reason given'})",
    )
    if purchase.status == PurchaseStatus.paid:
        revoke(session, purchase, status=PurchaseStatus.disputed, at=event.created, why="disputed")
        return "disputed"
    return "already_applied"


def _account_updated(session: Session, event: PaymentEvent) -> str:
    account = session.exec(
        select(SellerPayoutAccount)
        .where(
            SellerPayoutAccount.gateway == event.gateway,
            SellerPayoutAccount.account_ref == event.account_ref,
        )
        .with_for_update()
    ).first()
    if account is None:
        return "unknown_account"
    newly_enabled = event.payouts_enabled and not account.payouts_enabled
    account.charges_enabled = event.charges_enabled
    account.payouts_enabled = event.payouts_enabled
    account.details_submitted = event.details_submitted
    account.requirements_due = list(event.requirements_due)
    account.disabled_reason = event.disabled_reason
    account.updated_at = datetime.now(UTC)
    session.add(account)
    if newly_enabled:
        notifications.notify(
            session=session,
            user_id=account.seller_id,
            kind="payouts",
            title="Payouts are enabled",
            body="Your Stripe account can now receive your sales.",
            link="/sell/payouts",
            dedupe_key=f"payouts-enabled:{account.account_ref}",
        )
    session.flush()
    return "account_updated"
