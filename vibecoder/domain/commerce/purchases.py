"""A purchase's state changes, shared by checkout and the event handlers.

`mark_paid` grants access (license, ledger sale, sales count, receipt), `revoke` takes it back
(refund or dispute), `expire_attempt` closes a checkout attempt and cancels its pending purchase.
Callers hold the purchase's row lock (`access.lock_purchase`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from vibecoder.domain.accounts import notifications
from vibecoder.domain.catalog import lineage, variations
from vibecoder.domain.commerce import ledger, licensing
from vibecoder.domain.commerce.money import format_amount
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.catalog import Listing, PricingModel
from vibecoder.models.commerce import (
    CheckoutAttempt,
    CheckoutStatus,
    License,
    Purchase,
    PurchaseStatus,
)
from vibecoder.settings import get_settings

PROVISIONAL_PERIOD = timedelta(days=3)
# Keyed by the pricing model as stored (a plain string column; PricingModel is a StrEnum).
SUBSCRIPTION_INTERVALS: dict[str, tuple[str, timedelta]] = {
    PricingModel.subscription_monthly: ("month", timedelta(days=31)),
    PricingModel.subscription_yearly: ("year", timedelta(days=366)),
}


def terms(listing: Listing) -> tuple[str, int, int, str | None]:
    """(mode, unit amount, quantity, interval) for what a listing sells."""
    if listing.pricing_model in SUBSCRIPTION_INTERVALS:
        return (
            "subscription",
            listing.price_cents,
            1,
            SUBSCRIPTION_INTERVALS[listing.pricing_model][0],
        )
    if listing.pricing_model == PricingModel.usage:
        return "payment", listing.price_cents, get_settings().usage_pack_runs, None
    return "payment", listing.price_cents, 1, None


def fee_percent(purchase: Purchase) -> float:
    if purchase.amount_cents <= 0:
        return get_settings().platform_fee_percent
    return purchase.platform_fee_cents * 100 / purchase.amount_cents


def record_analytics(
    session: Session, *, kind: str, listing: Listing, user_id: int, amount: int, currency: str
) -> None:
    session.add(
        AnalyticsEvent(
            kind=kind,
            listing_id=listing.id,
            seller_id=listing.seller_id,
            user_id=user_id,
            amount_cents=amount,
            currency=currency,
        )
    )
    if kind in ("purchase", "renewal", "refund"):
        from vibecoder.domain.analytics.live import publish_after_commit

        publish_after_commit(session, seller_id=listing.seller_id, kind=kind, listing_id=listing.id)


def expire_attempt(session: Session, attempt: CheckoutAttempt) -> None:
    attempt.status = CheckoutStatus.expired
    session.add(attempt)
    if attempt.purchase_id is not None:
        session.exec(
            update(Purchase)
            .where(Purchase.id == attempt.purchase_id, Purchase.status == PurchaseStatus.pending)
            .values(status=PurchaseStatus.canceled)
        )
    session.flush()


def mark_paid(
    session: Session,
    purchase: Purchase,
    listing: Listing,
    *,
    payment_ref: str | None,
    subscription_ref: str | None,
    at: datetime,
) -> None:
    purchase.status = PurchaseStatus.paid
    purchase.paid_at = at
    purchase.gateway_ref = payment_ref or purchase.gateway_ref
    if listing.pricing_model in SUBSCRIPTION_INTERVALS:
        purchase.subscription_ref = subscription_ref or purchase.subscription_ref
        purchase.subscription_status = purchase.subscription_status or "active"
        # A short provisional period: the first invoice (which Stripe sends with the checkout)
        # states the real end and only ever extends it; without one, access lapses safely.
        provisional = at + PROVISIONAL_PERIOD
        purchase.current_period_end = max(purchase.current_period_end or provisional, provisional)
    session.add(purchase)
    session.flush()
    _, key = licensing.issue_license(
        session=session,
        purchase=purchase,
        listing=listing,
        expires_at=purchase.current_period_end,
    )
    attempt = session.exec(
        select(CheckoutAttempt).where(CheckoutAttempt.purchase_id == purchase.id)
    ).first()
    if attempt is not None and attempt.status != CheckoutStatus.completed:
        attempt.status = CheckoutStatus.completed
        session.add(attempt)
    if purchase.amount_cents > 0 and listing.pricing_model not in SUBSCRIPTION_INTERVALS:
        ledger.record_sale(
            session=session,
            purchase=purchase,
            seller_id=listing.seller_id,
            gross_cents=purchase.amount_cents,
            currency=purchase.currency,
            source_ref=f"{purchase.gateway}:purchase:{purchase.id}",
            payment_ref=payment_ref,
            transferred=bool(attempt and attempt.destination_account),
            description=f"Sale of {listing.title} (order #{purchase.id})",
            fee_percent=fee_percent(purchase),
        )
    session.exec(
        update(Listing).where(Listing.id == listing.id).values(sales_count=Listing.sales_count + 1)
    )
    record_analytics(
        session,
        kind="purchase",
        listing=listing,
        user_id=purchase.buyer_id,
        amount=purchase.amount_cents,
        currency=purchase.currency,
    )
    # A remix's sale also shows on the parent seller's dashboard ("remixes sold").
    lineage.record_remix_sale(session, listing=listing, buyer_id=purchase.buyer_id)
    # The buyer's previewed variations of this listing join the original in the library.
    variations.unlock_for_purchase(
        session=session,
        buyer_id=purchase.buyer_id,
        listing=listing,
        purchase_id=purchase.id,
        now=at,
    )
    amount = format_amount(purchase.amount_cents, purchase.currency)
    price = "Free" if purchase.amount_cents == 0 else amount
    notifications.notify(
        session=session,
        user_id=purchase.buyer_id,
        kind="receipt",
        title=f"Receipt: {listing.title}",
        body=(
            f"Order #{purchase.id}\nItem: {listing.title}\nAmount: {price}\n"
            f"Paid: {at.strftime('%Y-%m-%d %H:%M UTC')}\n"
            # Never the whole key at rest (notifications table, email outbox): the library
            # shows it to its owner on request.
            f"License key: {licensing.mask_key(key) if key else 'see your library'}\n\n"
            "Your download and the full license key are in your library."
        ),
        link="/library",
        dedupe_key=f"receipt:{purchase.id}",
    )
    if purchase.amount_cents > 0:
        notifications.notify(
            session=session,
            user_id=listing.seller_id,
            kind="sale",
            title=f"New sale: {listing.title} ({price})",
            body=f"Order #{purchase.id} of {listing.title} was paid.",
            link="/sell/payouts",
            dedupe_key=f"sale:{purchase.id}",
        )
    session.flush()


def revoke(
    session: Session, purchase: Purchase, *, status: PurchaseStatus, at: datetime, why: str
) -> None:
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    purchase.status = status
    if status == PurchaseStatus.refunded:
        purchase.refunded_at = at
    else:
        purchase.disputed_at = at
    session.add(purchase)
    lic = session.exec(select(License).where(License.purchase_id == purchase.id)).first()
    if lic is not None:
        licensing.disable(session=session, license_id=lic.id, reason=why)
    session.exec(
        update(Listing)
        .where(Listing.id == listing.id, Listing.sales_count > 0)
        .values(sales_count=Listing.sales_count - 1)
    )
    # Nor does it count any more among the parent seller's "Remixes sold".
    lineage.record_remix_sale(session, listing=listing, buyer_id=purchase.buyer_id, reversal=True)
    verb = "refunded" if status == PurchaseStatus.refunded else "disputed"
    notifications.notify(
        session=session,
        user_id=purchase.buyer_id,
        kind=verb,
        title=f"Order #{purchase.id} {verb}: {listing.title}",
        body=(
            f"Your purchase of {listing.title} was {verb}. Its downloads and license key are "
            "no longer available."
        ),
        link="/library",
        dedupe_key=f"{verb}:{purchase.id}",
    )
    notifications.notify(
        session=session,
        user_id=listing.seller_id,
        kind=verb,
        title=f"Order #{purchase.id} {verb}: {listing.title}",
        body=f"The sale of {listing.title} (order #{purchase.id}) was {verb}.",
        link="/sell/payouts",
        dedupe_key=f"{verb}-seller:{purchase.id}",
    )
    session.flush()
