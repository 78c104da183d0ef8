"""Checkout, fulfilment and refunds: one internal event handler that every gateway feeds.

Flow: `begin_checkout` opens (or reuses) the buyer's attempt for a listing with a pending
purchase and asks the gateway for a hosted checkout, passing the attempt's idempotency key. The
gateway later reports what happened: Stripe by webhook, the dummy by its own checkout page.
Either way the event is stored once in `processed_webhook_events` (unique per gateway+event id)
and a Celery task calls `process_event`, which applies it under a row lock on the purchase
(`SELECT ... FOR UPDATE`), so duplicates, replays and racing deliveries change nothing twice.

A purchase moves pending → paid → (refunded | disputed). Events that arrive before the events
they depend on (a refund before the payment it refunds) raise NotReady and the task retries.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vibecoder.domain.accounts import notifications
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import ledger, licensing
from vibecoder.domain.commerce.gateways import (
    CheckoutRequest,
    EventKind,
    GatewayError,
    PaymentEvent,
    gateway_name,
    get_gateway,
    parse_event,
)
from vibecoder.domain.commerce.money import format_amount
from vibecoder.domain.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from vibecoder.infra.deferred import after_commit
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.catalog import Listing, ListingStatus, PricingModel
from vibecoder.models.commerce import (
    CheckoutAttempt,
    CheckoutStatus,
    LedgerEntry,
    LedgerKind,
    License,
    ProcessedWebhookEvent,
    Purchase,
    PurchaseStatus,
    SellerPayoutAccount,
    WebhookEventStatus,
)
from vibecoder.models.users import Role, User
from vibecoder.settings import get_settings

REUSE_MARGIN = timedelta(minutes=2)
PROVISIONAL_PERIOD = timedelta(days=3)
# Failed gateway refunds of one purchase; each failure moves its next try to a new idempotency key.
REFUND_FAILURES = "vibecoder:refund-failures:{}"
SUBSCRIPTION_INTERVALS = {
    PricingModel.subscription_monthly: ("month", timedelta(days=31)),
    PricingModel.subscription_yearly: ("year", timedelta(days=366)),
}


class NotReady(Exception):
    """The event depends on an earlier one that is not applied yet; try again shortly."""


class PaymentUnavailable(ServiceError):
    status_code = 502


# --- reading ---------------------------------------------------------------------------------


def grants_access(purchase: Purchase, now: datetime | None = None) -> bool:
    """Paid, and for subscriptions not past the end of the paid period."""
    if purchase.status != PurchaseStatus.paid:
        return False
    if purchase.current_period_end is not None:
        return purchase.current_period_end > (now or datetime.now(UTC))
    return True


def owned_purchase(
    *, session: Session, buyer_id: int, listing_id: int, now: datetime | None = None
) -> Purchase | None:
    rows = session.exec(
        select(Purchase)
        .where(
            Purchase.buyer_id == buyer_id,
            Purchase.listing_id == listing_id,
            Purchase.status == PurchaseStatus.paid,
        )
        .order_by(Purchase.id.desc())
    )
    return next((p for p in rows if grants_access(p, now)), None)


def _buyable(session: Session, buyer: User, listing_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != ListingStatus.published:
        raise NotFound("listing_not_found", "This listing is not for sale.")
    if listing.seller_id == buyer.id:
        raise Conflict("own_listing", "This is your own listing.")
    if buyer.is_suspended:
        raise PermissionDenied("account_suspended", "This account is suspended.")
    return listing


def _terms(listing: Listing) -> tuple[str, int, int, str | None]:
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


def _fee_percent(purchase: Purchase) -> float:
    if purchase.amount_cents <= 0:
        return get_settings().platform_fee_percent
    return purchase.platform_fee_cents * 100 / purchase.amount_cents


# --- checkout --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutStart:
    url: str
    purchase_id: int
    attempt_id: int


def _analytics(
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


def open_attempt(
    *, session: Session, buyer: User, listing_id: int, now: datetime | None = None
) -> CheckoutAttempt:
    """The buyer's open attempt for this listing, created with a pending purchase if needed.

    Double clicks and retries land here concurrently: the partial unique index on open
    attempts lets exactly one insert win; the others read the winner's row.
    """
    now = now or datetime.now(UTC)
    listing = _buyable(session, buyer, listing_id)
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
    mode, unit, quantity, _interval = _terms(listing)
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
    _analytics(
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
    mode, unit, quantity, interval = _terms(listing)
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
            attempt = session.get(CheckoutAttempt, attempt_id)
            if attempt is not None and attempt.status == CheckoutStatus.open:
                attempt.status = CheckoutStatus.failed
                attempt.last_error = exc.message[:300]
                session.add(attempt)
                session.exec(
                    update(Purchase)
                    .where(Purchase.id == purchase_id, Purchase.status == PurchaseStatus.pending)
                    .values(status=PurchaseStatus.canceled)
                )
        raise PaymentUnavailable("payment_unavailable", exc.message) from exc
    assert purchase_id is not None
    return CheckoutStart(url=url, purchase_id=purchase_id, attempt_id=attempt_id)


def claim_free(
    *, session: Session, buyer: User, listing_id: int, now: datetime | None = None
) -> Purchase:
    """ "Get" a free listing: a purchase at 0 and a license, at once, exactly once."""
    now = now or datetime.now(UTC)
    listing = _buyable(session, buyer, listing_id)
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
    locked = _lock_purchase(session, purchase.id)
    assert locked is not None
    _mark_paid(session, locked, listing, payment_ref=None, subscription_ref=None, at=now)
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


def dummy_checkout_view(*, session: Session, session_ref: str) -> DummyCheckoutView:
    row = session.exec(
        select(CheckoutAttempt, Listing, User)
        .join(Listing, Listing.id == CheckoutAttempt.listing_id)
        .join(User, User.id == CheckoutAttempt.buyer_id)
        .where(CheckoutAttempt.gateway == "dummy", CheckoutAttempt.session_ref == session_ref)
    ).first()
    if row is None:
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
        + (" / " + _terms(listing)[3] if attempt.mode == "subscription" else ""),
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
    *, session: Session, session_ref: str, card_number: str, now: datetime | None = None
) -> DummyPayment:
    """Charge a test card; on approval emit the gateway's completion events like a webhook."""
    from vibecoder.domain.commerce.gateways.test import DummyGateway, charge_card

    now = now or datetime.now(UTC)
    attempt = session.exec(
        select(CheckoutAttempt)
        .where(CheckoutAttempt.gateway == "dummy", CheckoutAttempt.session_ref == session_ref)
        .with_for_update()
    ).first()
    if attempt is None:
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


# --- recording and processing events ---------------------------------------------------------


def _enqueue(event_row_id: int) -> None:
    from workers.payments import process_payment_event

    process_payment_event.delay(event_row_id)


def record_event(
    *, session: Session, gateway: str, event_id: str, event_type: str, payload: dict
) -> tuple[int, bool]:
    """Store an event once and queue its processing after commit; (row id, newly stored)."""
    inserted = session.exec(
        insert(ProcessedWebhookEvent)
        .values(
            gateway=gateway,
            event_id=event_id[:255],
            event_type=event_type[:100],
            status=WebhookEventStatus.received,
            payload=payload,
            attempts=0,
            received_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["gateway", "event_id"])
        .returning(ProcessedWebhookEvent.id)
    ).first()
    if inserted is not None:
        row_id = int(inserted[0])
        after_commit(session, lambda: _enqueue(row_id))
        return row_id, True
    row_id, status = session.exec(
        select(ProcessedWebhookEvent.id, ProcessedWebhookEvent.status).where(
            ProcessedWebhookEvent.gateway == gateway, ProcessedWebhookEvent.event_id == event_id
        )
    ).one()
    if status == WebhookEventStatus.received:
        # A redelivery of an event we stored but have not applied (say the queue was down
        # when it first came): kick it again. Processing is idempotent, so this is safe.
        after_commit(session, lambda: _enqueue(int(row_id)))
    return int(row_id), False


def process_event(*, session: Session, event_row_id: int) -> str:
    """Apply a stored event; raises NotReady to be retried. Returns what happened."""
    row = session.exec(
        select(ProcessedWebhookEvent)
        .where(ProcessedWebhookEvent.id == event_row_id)
        .with_for_update()
    ).first()
    if row is None:
        return "missing"
    if row.status == WebhookEventStatus.processed:
        return "already_processed"
    event = parse_event(row.gateway, row.payload)
    outcome = "ignored" if event is None else apply_event(session=session, event=event)
    row.status = WebhookEventStatus.processed
    row.outcome = outcome[:40]
    row.attempts += 1
    row.error = None
    row.processed_at = datetime.now(UTC)
    session.add(row)
    session.flush()
    return outcome


def mark_event_failed(*, session: Session, event_row_id: int, error: str, attempts: int) -> None:
    session.exec(
        update(ProcessedWebhookEvent)
        .where(
            ProcessedWebhookEvent.id == event_row_id,
            ProcessedWebhookEvent.status != WebhookEventStatus.processed,
        )
        .values(status=WebhookEventStatus.failed, error=error[:1000], attempts=attempts)
    )


def _lock_purchase(session: Session, purchase_id: int) -> Purchase | None:
    return session.exec(
        select(Purchase).where(Purchase.id == purchase_id).with_for_update()
    ).first()


def _find_purchase(session: Session, event: PaymentEvent) -> Purchase | None:
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
    purchase = _lock_purchase(session, int(purchase_id))
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
        EventKind.charge_refunded: _charge_refunded,
        EventKind.dispute_created: _dispute_created,
        EventKind.account_updated: _account_updated,
    }
    try:
        handler = handlers[EventKind(event.kind)]
    except (ValueError, KeyError):
        return "ignored"
    return handler(session, event)


def _mark_paid(
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
            fee_percent=_fee_percent(purchase),
        )
    session.exec(
        update(Listing).where(Listing.id == listing.id).values(sales_count=Listing.sales_count + 1)
    )
    _analytics(
        session,
        kind="purchase",
        listing=listing,
        user_id=purchase.buyer_id,
        amount=purchase.amount_cents,
        currency=purchase.currency,
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
            f"License key: {key or 'see your library'}\n\n"
            "Your download and license key are in your library."
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


def _checkout_completed(session: Session, event: PaymentEvent) -> str:
    purchase = _find_purchase(session, event)
    if purchase is None:
        return "unknown_checkout"
    if event.payment_status not in (None, "paid", "no_payment_required"):
        # Delayed payment methods: checkout.session.async_payment_succeeded follows.
        return "awaiting_payment"
    if purchase.status not in (PurchaseStatus.pending, PurchaseStatus.canceled):
        return "already_applied"
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    _mark_paid(
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


def _require_settled(purchase: Purchase | None) -> Purchase:
    if purchase is None or purchase.status in (PurchaseStatus.pending, PurchaseStatus.canceled):
        raise NotReady("the purchase is not paid yet here")
    return purchase


def _invoice_paid(session: Session, event: PaymentEvent) -> str:
    purchase = _require_settled(_find_purchase(session, event))
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
        fee_percent=_fee_percent(purchase),
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
        _analytics(
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
    purchase = _require_settled(_find_purchase(session, event))
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


def _revoke(
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


def _charge_refunded(session: Session, event: PaymentEvent) -> str:
    purchase = _require_settled(_find_purchase(session, event))
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
        _analytics(
            session,
            kind="refund",
            listing=listing,
            user_id=purchase.buyer_id,
            amount=booked,
            currency=event.currency or purchase.currency,
        )
    if revoking:
        _revoke(session, purchase, status=PurchaseStatus.refunded, at=event.created, why="refunded")
        return "refunded"
    return "partially_refunded" if purchase.status == PurchaseStatus.paid else "already_applied"


def _dispute_created(session: Session, event: PaymentEvent) -> str:
    purchase = _require_settled(_find_purchase(session, event))
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
        _revoke(session, purchase, status=PurchaseStatus.disputed, at=event.created, why="disputed")
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


# --- refunds ---------------------------------------------------------------------------------


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
    purchase = _lock_purchase(session, purchase_id)
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
    _charge_refunded(session, event)
    session.flush()
    return purchase


class SaleRow(BaseModel):
    purchase_id: int
    listing_title: str
    listing_slug: str
    buyer: str
    amount: str
    status: str
    date: str
    refundable: bool


def seller_sales(*, session: Session, seller: User, limit: int = 50) -> list[SaleRow]:
    window = timedelta(days=get_settings().refund_window_days)
    now = datetime.now(UTC)
    rows = session.exec(
        select(Purchase, Listing.title, Listing.slug, User.username)
        .join(Listing, Listing.id == Purchase.listing_id)
        .join(User, User.id == Purchase.buyer_id)
        .where(
            Listing.seller_id == seller.id,
            Purchase.status.in_(
                [PurchaseStatus.paid, PurchaseStatus.refunded, PurchaseStatus.disputed]
            ),
        )
        .order_by(Purchase.id.desc())
        .limit(min(max(limit, 1), 200))
    )
    return [
        SaleRow(
            purchase_id=p.id,
            listing_title=title,
            listing_slug=slug,
            buyer=username,
            amount=format_amount(p.amount_cents, p.currency) if p.amount_cents else "Free",
            status=p.status,
            date=(p.paid_at or p.created_at).strftime("%Y-%m-%d %H:%M"),
            refundable=p.status == PurchaseStatus.paid
            and p.amount_cents > 0
            and (p.paid_at or p.created_at) + window >= now,
        )
        for p, title, slug, username in rows
    ]


# --- seller payout accounts ------------------------------------------------------------------


def start_payout_onboarding(*, session: Session, seller: User) -> str:
    """Create the seller's connected account if needed and return where to finish onboarding."""
    if seller.role not in (Role.seller, Role.admin):
        raise PermissionDenied("not_a_seller", "Become a seller first.")
    from vibecoder.domain.accounts.email_links import require_verified_email

    require_verified_email(seller)
    gateway = get_gateway()
    settings = get_settings()
    account = session.exec(
        select(SellerPayoutAccount)
        .where(SellerPayoutAccount.seller_id == seller.id)
        .with_for_update()
    ).first()
    try:
        if account is None or account.gateway != gateway.name:
            created = gateway.create_seller_account(
                seller_id=seller.id,
                email=seller.email,
                idempotency_key=f"vc-account-{seller.id}-{gateway.name}",
            )
            if account is None:
                account = SellerPayoutAccount(
                    seller_id=seller.id, gateway=gateway.name, account_ref=created.account_ref
                )
            account.gateway = gateway.name
            account.account_ref = created.account_ref
            account.charges_enabled = created.charges_enabled
            account.payouts_enabled = created.payouts_enabled
            account.details_submitted = created.details_submitted
            account.updated_at = datetime.now(UTC)
            session.add(account)
            session.flush()
        return gateway.onboarding_link(
            account_ref=account.account_ref,
            refresh_url=f"{settings.public_url}/sell/payouts?onboarding=refresh",
            return_url=f"{settings.public_url}/sell/payouts?onboarding=done",
            idempotency_key=f"vc-account-link-{seller.id}-{secrets.token_hex(8)}",
        )
    except GatewayError as exc:
        raise PaymentUnavailable("onboarding_failed", exc.message) from exc
