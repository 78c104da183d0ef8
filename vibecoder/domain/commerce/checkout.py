"""Checkout: open (or reuse) an attempt, get the gateway's hosted page, claim free listings,
and the test gateway's own pay flow.

`begin_checkout` opens (or reuses) the buyer's attempt for a listing with a pending purchase and
asks the gateway for a hosted checkout, passing the attempt's idempotency key. The gateway later
reports what happened as events (see `events`); a purchase moves pending → paid → (refunded |
disputed) in `handlers`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import ledger
from vibecoder.domain.commerce.access import buyable, lock_purchase, owned_purchase
from vibecoder.domain.commerce.errors import PaymentUnavailable
from vibecoder.domain.commerce.events import record_event
from vibecoder.domain.commerce.gateways import (
    CheckoutRequest,
    GatewayError,
    gateway_name,
    get_gateway,
)
from vibecoder.domain.commerce.money import format_amount
from vibecoder.domain.commerce.purchases import (
    SUBSCRIPTION_INTERVALS,
    expire_attempt,
    mark_paid,
    record_analytics,
    terms,
)
from vibecoder.errors import Conflict, NotFound
from vibecoder.models.catalog import Listing, PricingModel
from vibecoder.models.commerce import (
    CheckoutAttempt,
    CheckoutStatus,
    Purchase,
    PurchaseStatus,
    SellerPayoutAccount,
)
from vibecoder.models.users import User
from vibecoder.settings import get_settings

REUSE_MARGIN = timedelta(minutes=2)
# Grace past an attempt expiry before the sweep closes it (the gateway may still report it).
STALE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class CheckoutStart:
    url: str
    purchase_id: int
    attempt_id: int


def open_attempt(
    *, session: Session, buyer: User, listing_id: int, now: datetime | None = None
) -> CheckoutAttempt:
    """The buyer's open attempt for this listing, created with a pending purchase if needed.

    Double clicks and retries land here concurrently: the partial unique index on open
    attempts lets exactly one insert win; the others read the winner's row.
    """
    now = now or datetime.now(UTC)
    listing = buyable(session, buyer, listing_id)
    if listing.pricing_model == PricingModel.free or listing.price_cents == 0:
        raise Conflict("free_listing", "This listing is free: use Get.")
    if owned_purchase(session=session, buyer_id=buyer.id, listing_id=listing.id, now=now):
        raise Conflict("already_owned", "You already own this listing; it is in your library.")
    existing = session.exec(
        select(CheckoutAttempt)
        .where(
            CheckoutAttempt.buyer_id == buyer.id,
            CheckoutAttempt.listing_id == listing.id,
            CheckoutAttempt.status == CheckoutStatus.open,
        )
        .with_for_update()
    ).first()
    if existing is not None:
        if existing.expires_at > now + REUSE_MARGIN:
            return existing
        expire_attempt(session, existing)

    settings = get_settings()
    mode, unit, quantity, _interval = terms(listing)
    amount = unit * quantity
    fee = ledger.platform_fee(amount)
    gateway = gateway_name()
    account = session.get(SellerPayoutAccount, listing.seller_id)
    destination = (
        account.account_ref
        if account is not None and account.gateway == gateway and account.charges_enabled
        else None
    )
    key = f"vc-checkout-{buyer.id}-{listing.id}-{secrets.token_hex(8)}"
    latest = catalog.latest_version(session=session, listing_id=listing.id)
    try:
        with session.begin_nested():
            purchase = Purchase(
                buyer_id=buyer.id,
                listing_id=listing.id,
                status=PurchaseStatus.pending,
                amount_cents=amount,
                currency=listing.currency,
                platform_fee_cents=fee,
                gateway=gateway,
                idempotency_key=key,
                version_id=latest.id if latest else None,
                created_at=now,
            )
            session.add(purchase)
            session.flush()
            attempt = CheckoutAttempt(
                buyer_id=buyer.id,
                listing_id=listing.id,
                purchase_id=purchase.id,
                gateway=gateway,
                mode=mode,
                idempotency_key=key,
                destination_account=destination,
                amount_cents=amount,
                currency=listing.currency,
                created_at=now,
                expires_at=now + timedelta(minutes=max(settings.checkout_session_minutes, 30)),
            )
            session.add(attempt)
            session.flush()
    except IntegrityError:
        winner = session.exec(
            select(CheckoutAttempt).where(
                CheckoutAttempt.buyer_id == buyer.id,
                CheckoutAttempt.listing_id == listing.id,
                CheckoutAttempt.status == CheckoutStatus.open,
            )
        ).first()
        if winner is None:
            raise
        return winner
    record_analytics(
        session,
        kind="checkout_started",
        listing=listing,
        user_id=buyer.id,
        amount=amount,
        currency=listing.currency,
    )
    session.flush()
    return attempt


def attach_gateway_session(*, session: Session, attempt_id: int) -> str:
    """Ask the gateway for the attempt's hosted checkout (once; later calls reuse the URL).

    The row lock makes a concurrent second call wait and then reuse the first one's URL; the
    idempotency key makes even a retried gateway call return the same session.
    """
    attempt = session.exec(
        select(CheckoutAttempt).where(CheckoutAttempt.id == attempt_id).with_for_update()
    ).one()
    if attempt.checkout_url:
        return attempt.checkout_url
    if attempt.status != CheckoutStatus.open:
        raise Conflict("checkout_closed", "This checkout is closed; start again.")
    listing = session.get(Listing, attempt.listing_id)
    buyer = session.get(User, attempt.buyer_id)
    purchase = session.get(Purchase, attempt.purchase_id)
    assert listing is not None and buyer is not None and purchase is not None
    mode, unit, quantity, interval = terms(listing)
    settings = get_settings()
    request = CheckoutRequest(
        attempt_id=attempt.id,
        purchase_id=purchase.id,
        idempotency_key=attempt.idempotency_key,
        mode=mode,
        listing_id=listing.id,
        listing_slug=listing.slug,
        listing_title=listing.title,
        unit_amount_cents=unit,
        quantity=quantity,
        currency=attempt.currency,
        interval=interval,
        buyer_email=buyer.email,
        platform_fee_cents=purchase.platform_fee_cents,
        platform_fee_percent=settings.platform_fee_percent,
        destination_account=attempt.destination_account,
        success_url=f"{settings.public_url}/library?purchase={purchase.id}"
        + ("&session_id={CHECKOUT_SESSION_ID}" if attempt.gateway == "stripe" else ""),
        cancel_url=f"{settings.public_url}/listing/{listing.slug}",
        expires_at=attempt.expires_at,
    )
    created = get_gateway(attempt.gateway).create_checkout(request)
    attempt.session_ref = created.session_ref
    attempt.checkout_url = created.url
    session.add(attempt)
    session.flush()
    return created.url


def begin_checkout(*, buyer_id: int, listing_id: int) -> CheckoutStart:
    """Open or reuse the attempt, then get its checkout URL (two short transactions)."""
    from vibecoder.infra.db import session_scope

    with session_scope() as session:
        buyer = session.get(User, buyer_id)
        if buyer is None:
            raise NotFound("user_not_found", "Sign in again.")
        attempt = open_attempt(session=session, buyer=buyer, listing_id=listing_id)
        attempt_id, purchase_id = attempt.id, attempt.purchase_id
    try:
        with session_scope() as session:
            url = attach_gateway_session(session=session, attempt_id=attempt_id)
    except GatewayError as exc:
        with session_scope() as session:
            failed = session.get(CheckoutAttempt, attempt_id)
            if failed is not None and failed.status == CheckoutStatus.open:
                failed.status = CheckoutStatus.failed
                failed.last_error = exc.message[:300]
                session.add(failed)
                session.exec(
                    update(Purchase)
                    .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.pending)
                    .values(status=PurchaseStatus.canceled)
                )
        raise PaymentUnavailable("payment_unavailable", exc.message) from exc
    assert purchase_id is not None
    return CheckoutStart(url=url, purchase_id=purchase_id, attempt_id=attempt_id)


def close_stale_attempts(*, session: Session, now: datetime | None = None) -> int:
    """Expire open attempts well past their expiry (cancelling their pending purchases).

    Rows another sweep is closing are skipped, not waited for. Returns how many were closed.
    """
    now = now or datetime.now(UTC)
    stale = session.exec(
        select(CheckoutAttempt)
        .where(
            CheckoutAttempt.status == CheckoutStatus.open,
            CheckoutAttempt.expires_at < now - STALE_AFTER,
        )
        .with_for_update(skip_locked=True)
    ).all()
    for attempt in stale:
        expire_attempt(session, attempt)
    return len(stale)


def claim_free(
    *, session: Session, buyer: User, listing_id: int, now: datetime | None = None
) -> Purchase:
    """ "Get" a free listing: a purchase at 0 and a license, at once, exactly once."""
    now = now or datetime.now(UTC)
    listing = buyable(session, buyer, listing_id)
    if listing.pricing_model != PricingModel.free or listing.price_cents != 0:
        raise Conflict("not_free", "This listing is not free.")
    owned = owned_purchase(session=session, buyer_id=buyer.id, listing_id=listing.id, now=now)
    if owned is not None:
        return owned
    key = f"vc-free-{buyer.id}-{listing.id}"
    latest = catalog.latest_version(session=session, listing_id=listing.id)
    try:
        with session.begin_nested():
            purchase = Purchase(
                buyer_id=buyer.id,
                listing_id=listing.id,
                status=PurchaseStatus.pending,
                amount_cents=0,
                currency=listing.currency,
                gateway="free",
                idempotency_key=key,
                version_id=latest.id if latest else None,
                created_at=now,
            )
            session.add(purchase)
            session.flush()
    except IntegrityError:
        # A racing double click already claimed it.
        existing = session.exec(select(Purchase).where(Purchase.idempotency_key == key)).one()
        return existing
    locked = lock_purchase(session, purchase.id)
    assert locked is not None
    mark_paid(session, locked, listing, payment_ref=None, subscription_ref=None, at=now)
    return locked


# --- the dummy gateway's checkout page -------------------------------------------------------


class DummyCheckoutView(BaseModel):
    session_ref: str
    status: str
    listing_title: str
    amount: str
    mode: str
    buyer_email: str
    cancel_url: str
    success_url: str


def dummy_checkout_view(
    *, session: Session, session_ref: str, buyer_id: int | None
) -> DummyCheckoutView:
    """The test checkout of `session_ref` for its signed-in buyer; anyone else: not found."""
    row = session.exec(
        select(CheckoutAttempt, Listing, User)
        .join(Listing, Listing.id == CheckoutAttempt.listing_id)
        .join(User, User.id == CheckoutAttempt.buyer_id)
        .where(CheckoutAttempt.gateway == "dummy", CheckoutAttempt.session_ref == session_ref)
    ).first()
    if row is None or buyer_id is None or row[0].buyer_id != buyer_id:
        raise NotFound("checkout_not_found", "This checkout does not exist.")
    attempt, listing, buyer = row
    settings = get_settings()
    status = attempt.status
    if status == CheckoutStatus.open and attempt.expires_at <= datetime.now(UTC):
        status = CheckoutStatus.expired
    return DummyCheckoutView(
        session_ref=session_ref,
        status=status,
        listing_title=listing.title,
        amount=format_amount(attempt.amount_cents, attempt.currency)
        + (" / " + (terms(listing)[3] or "") if attempt.mode == "subscription" else ""),
        mode=attempt.mode,
        buyer_email=buyer.email,
        cancel_url=f"{settings.public_url}/listing/{listing.slug}",
        success_url=f"{settings.public_url}/library?purchase={attempt.purchase_id}",
    )


@dataclass(frozen=True)
class DummyPayment:
    approved: bool
    code: str
    message: str
    redirect_url: str | None


def pay_dummy_checkout(
    *,
    session: Session,
    session_ref: str,
    card_number: str,
    buyer_id: int | None,
    now: datetime | None = None,
) -> DummyPayment:
    """Charge a test card; on approval emit the gateway's completion events like a webhook.

    Only the checkout's own signed-in buyer may pay it (a leaked checkout link is not a way
    to buy on someone's behalf), and only where test payments are allowed at all.
    """
    if not get_settings().test_checkout_enabled:
        raise NotFound("checkout_not_found", "This checkout does not exist.")
    from vibecoder.domain.commerce.gateways.test import DummyGateway, charge_card

    now = now or datetime.now(UTC)
    attempt = session.exec(
        select(CheckoutAttempt)
        .where(CheckoutAttempt.gateway == "dummy", CheckoutAttempt.session_ref == session_ref)
        .with_for_update()
    ).first()
    if attempt is None or buyer_id is None or attempt.buyer_id != buyer_id:
        raise NotFound("checkout_not_found", "This checkout does not exist.")
    success_url = f"{get_settings().public_url}/library?purchase={attempt.purchase_id}"
    if attempt.status == CheckoutStatus.completed:
        return DummyPayment(True, "already_paid", "Already paid.", success_url)
    if attempt.status != CheckoutStatus.open or attempt.expires_at <= now:
        return DummyPayment(False, "expired", "This checkout expired; start again.", None)
    outcome = charge_card(card_number)
    if not outcome.approved:
        attempt.last_error = outcome.message[:300]
        session.add(attempt)
        return DummyPayment(False, outcome.code, outcome.message, None)
    listing = session.get(Listing, attempt.listing_id)
    assert listing is not None and attempt.purchase_id is not None
    period_end = None
    if listing.pricing_model in SUBSCRIPTION_INTERVALS:
        days = 30 if SUBSCRIPTION_INTERVALS[listing.pricing_model][0] == "month" else 365
        period_end = now + timedelta(days=days)
    # Completed at once from the buyer's point of view; fulfilment follows through the queue.
    attempt.status = CheckoutStatus.completed
    session.add(attempt)
    for event in DummyGateway().completion_events(
        session_ref=session_ref,
        purchase_id=attempt.purchase_id,
        mode=attempt.mode,
        amount_cents=attempt.amount_cents,
        currency=attempt.currency,
        period_end=period_end,
        now=now,
    ):
        record_event(
            session=session,
            gateway="dummy",
            event_id=event.event_id,
            event_type=event.kind,
            payload=event.to_dict(),
        )
    return DummyPayment(True, "approved", outcome.message, success_url)
