"""Checkout, webhooks and fulfilment against a fake Stripe API at the HTTP boundary.

Webhook payloads are Stripe event objects signed with stripe-python's own signature helper and
posted to the real endpoint; the fake Stripe server answers the Checkout/Connect/Refund calls
our gateway makes over real HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from tests.conftest import wait_for
from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    pay_as,  # noqa: I001
    post_event,
    process_all,
    publish,
    purchase_status,
    reload,
    sign,
    stripe_fake_fixture,  # noqa: F401 - the `stripe_fake` fixture
)
from tests.fakes.stripe_server import StripeError, event
from vibecoder.domain.accounts import auth
from vibecoder.domain.commerce import (
    access,
    checkout,
    events,
    ledger,
    licensing,
    payouts,
    refunds,
)
from vibecoder.domain.commerce.errors import NotReady, PaymentUnavailable
from vibecoder.domain.commerce.gateways.test import charge_card
from vibecoder.errors import Conflict, NotFound, PermissionDenied
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import (
    CheckoutAttempt,
    LedgerEntry,
    License,
    Notification,
    Payout,
    ProcessedWebhookEvent,
    Purchase,
    SellerPayoutAccount,
)
from vibecoder.models.users import Role


def _seller_buyer(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    return seller, buyer


def _connect(db, api, fake, seller) -> str:
    """Onboard the seller to Stripe Connect and let Stripe report the account as enabled."""
    url = payouts.start_payout_onboarding(session=db, seller=seller)
    db.commit()
    assert url.startswith("https://connect.stripe.com/setup/e/acct_")
    account = db.get(SellerPayoutAccount, seller.id)
    assert not account.charges_enabled
    response = post_event(
        api, event("account.updated", fake.enable_account(account.account_ref)), fake.webhook_secret
    )
    assert response.status_code == 200
    process_all(db)
    db.refresh(account)
    assert account.charges_enabled and account.payouts_enabled
    return account.account_ref


def _checkout(db, fake, buyer, listing) -> tuple[int, dict]:
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    session_id = start.url.rsplit("/", 1)[1]
    return start.purchase_id, fake.complete_session(session_id)


def _ledger(db, purchase_id=None) -> list[tuple[str, int]]:
    db.expire_all()
    query = select(LedgerEntry.kind, LedgerEntry.amount_cents).order_by(LedgerEntry.id)
    if purchase_id is not None:
        query = query.where(LedgerEntry.purchase_id == purchase_id)
    return [(k, a) for k, a in db.exec(query).all()]


# --- signatures ------------------------------------------------------------------------------


def test_forged_stale_future_and_tampered_webhooks_are_refused_and_nothing_is_stored(
    db, api, stripe_fake
):
    payload = event("account.updated", {"id": "acct_x", "object": "account"})
    body = json.dumps(payload)
    now = int(time.time())
    cases = {
        "no header": {},
        "wrong secret": {"Stripe-Signature": sign(body, "whsec_not_ours")},
        "stale (301 s old)": {
            "Stripe-Signature": sign(body, stripe_fake.webhook_secret, now - 301)
        },
        "from the future": {"Stripe-Signature": sign(body, stripe_fake.webhook_secret, now + 3600)},
        "garbage header": {"Stripe-Signature": "t=abc,v1=zzz"},
        "v0 scheme only": {
            "Stripe-Signature": sign(body, stripe_fake.webhook_secret).replace("v1=", "v0=")
        },
    }
    for name, headers in cases.items():
        response = api.post("/api/webhooks/stripe", content=body, headers=headers)
        assert response.status_code == 400, name
        assert response.json() == {"error": "invalid_signature"}, name
    # Signed, then one byte of the body changed.
    header = sign(body, stripe_fake.webhook_secret)
    tampered = body.replace('"acct_x"', '"acct_y"')
    response = api.post(
        "/api/webhooks/stripe", content=tampered, headers={"Stripe-Signature": header}
    )
    assert response.status_code == 400
    assert db.exec(select(func.count()).select_from(ProcessedWebhookEvent)).one() == 0


def test_several_v1_signatures_and_rolled_secrets_verify(db, api, stripe_fake):
    """Stripe signs with old and new secrets while one is rolled; either may be configured."""
    body = json.dumps(event("account.updated", {"id": "acct_x", "object": "account"}))
    old_secret, new_secret = "whsec_old_" + "a" * 24, stripe_fake.webhook_secret
    ts = int(time.time())
    old_part = sign(body, old_secret, ts).split(",")[1]
    header = f"t={ts},{old_part},{sign(body, new_secret, ts).split(',')[1]}"
    assert api.post(
        "/api/webhooks/stripe", content=body, headers={"Stripe-Signature": header}
    ).json()["received"]
    # The operator keeps the old secret configured beside the new one during rotation.
    body2 = json.dumps(event("account.updated", {"id": "acct_y", "object": "account"}))
    with configured(STRIPE_WEBHOOK_SECRET=f"{new_secret}, {old_secret}"):
        response = api.post(
            "/api/webhooks/stripe",
            content=body2,
            headers={"Stripe-Signature": sign(body2, old_secret)},
        )
    assert response.status_code == 200


def test_unhandled_event_types_are_acknowledged_and_not_stored(db, api, stripe_fake):
    response = post_event(
        api, event("customer.created", {"id": "cus_1"}), stripe_fake.webhook_secret
    )
    assert response.status_code == 200 and response.json()["ignored"] is True
    response = api.post(
        "/api/webhooks/stripe",
        content="[1,2]",
        headers={"Stripe-Signature": sign("[1,2]", stripe_fake.webhook_secret)},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_payload"
    assert db.exec(select(func.count()).select_from(ProcessedWebhookEvent)).one() == 0


# --- checkout ----------------------------------------------------------------------------------


def test_checkout_is_a_destination_charge_with_fee_and_idempotency_key(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    account_ref = _connect(db, api, stripe_fake, seller)
    listing = publish(db, seller)
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    assert start.url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    [call] = stripe_fake.calls("POST", "/v1/checkout/sessions")
    params = call.params
    assert params["mode"] == "payment"
    assert params["line_items"][0]["price_data"] == {
        "currency": "usd",
        "unit_amount": "900",
        "product_data": {"name": "CSV Deduper"},
    }
    assert params["payment_intent_data"]["application_fee_amount"] == "90"  # 10 % platform fee
    assert params["payment_intent_data"]["transfer_data"] == {"destination": account_ref}
    assert params["client_reference_id"] == str(start.purchase_id)
    assert params["customer_email"] == "buyer@example.com"
    # Every create call carried an Idempotency-Key: account, account link, session.
    creates = [r for r in stripe_fake.requests if r.method == "POST"]
    assert len(creates) == 3 and all(r.headers.get("idempotency-key") for r in creates)
    purchase = db.get(Purchase, start.purchase_id)
    assert (purchase.status, purchase.amount_cents, purchase.platform_fee_cents) == (
        "pending",
        900,
        90,
    )
    assert call.headers["idempotency-key"] == purchase.idempotency_key


def test_double_clicks_and_retries_create_one_purchase_and_one_session(db, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    results, errors = [], []

    def click():
        try:
            results.append(checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({r.url for r in results}) == 1
    assert len({r.purchase_id for r in results}) == 1
    assert len(stripe_fake.sessions) == 1
    assert db.exec(select(func.count()).select_from(Purchase)).one() == 1
    # A later retry (say after a network error) reuses the attempt and its session too.
    again = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    assert again.url == results[0].url
    # No destination account yet: a plain platform charge, no application fee.
    params = stripe_fake.calls("POST", "/v1/checkout/sessions")[0].params
    assert "application_fee_amount" not in params["payment_intent_data"]


def test_the_sweep_closes_checkouts_abandoned_past_their_expiry(db, stripe_fake):
    """The beat sweep: an attempt nobody finished frees its pending purchase (a later Buy
    starts afresh), but only after a grace period in which the gateway may still report it."""
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    expires_at = db.get(CheckoutAttempt, start.attempt_id).expires_at
    assert checkout.close_stale_attempts(session=db, now=expires_at + timedelta(minutes=1)) == 0
    db.commit()
    assert checkout.close_stale_attempts(session=db, now=expires_at + timedelta(minutes=6)) == 1
    db.commit()
    db.expire_all()
    assert db.get(CheckoutAttempt, start.attempt_id).status == "expired"
    assert db.get(Purchase, start.purchase_id).status == "canceled"
    again = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    assert again.attempt_id != start.attempt_id


def test_gateway_failure_closes_the_attempt_and_says_why(db, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    stripe_fake.fail_next["POST /v1/checkout/sessions"] = StripeError(
        402, "card_error", "Your account cannot accept payments right now."
    )
    with pytest.raises(PaymentUnavailable):
        checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    db.expire_all()
    attempt = db.exec(select(CheckoutAttempt)).one()
    assert attempt.status == "failed"
    assert db.get(Purchase, attempt.purchase_id).status == "canceled"
    # The next click starts a fresh attempt that succeeds.
    assert checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id).url


def test_own_listing_and_owned_listing_cannot_be_bought(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    with pytest.raises(Conflict, match="own listing"):
        checkout.begin_checkout(buyer_id=seller.id, listing_id=listing.id)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    process_all(db)
    with pytest.raises(Conflict) as err:
        checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    assert err.value.code == "already_owned"


# --- fulfilment --------------------------------------------------------------------------------


def test_webhook_to_paid_purchase_through_the_celery_worker(db, api, stripe_fake, celery_worker):
    seller, buyer = _seller_buyer(db)
    account_ref = _connect(db, api, stripe_fake, seller)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    response = post_event(
        api, event("checkout.session.completed", session), stripe_fake.webhook_secret
    )
    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    # The webhook stored the event before answering; the worker applies it (how fast the
    # answer comes is bench.commerce's business, not a test's).
    db.expire_all()
    assert db.exec(select(ProcessedWebhookEvent)).first() is not None
    wait_for(lambda: purchase_status(db, purchase_id) == "paid")
    purchase = reload(db, Purchase, purchase_id)
    assert purchase.gateway_ref == session["payment_intent"] and purchase.paid_at
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert license.status == "inactive" and license.activation_limit == 3
    assert license.key_prefix.startswith("VC-") and len(license.key_hash) == 64
    # Destination charge: the seller's 8.10 went to their Stripe account with the charge.
    assert _ledger(db, purchase_id) == [("sale", 900), ("platform_fee", -90), ("payout", -810)]
    [payout] = db.exec(select(Payout)).all()
    assert (payout.status, payout.method, payout.amount_cents) == (
        "paid",
        "stripe_destination",
        810,
    )
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert (balance.unpaid_cents, balance.paid_cents, balance.fees_cents) == (0, 810, 90)
    assert db.get(Listing, listing.id).sales_count == 1
    kinds = {n.kind for n in db.exec(select(Notification)).all()}
    assert {"receipt", "sale", "payouts"} <= kinds
    # The receipt email went to the outbox (no SMTP configured), sent by the worker.
    from vibecoder.settings import get_settings

    outbox = Path(get_settings().outbox_dir)
    receipt = wait_for(
        lambda: next(
            (p for p in outbox.glob("*.eml") if "Receipt: CSV Deduper" in p.read_text()), None
        )
    )
    text_ = receipt.read_text()
    assert "To: buyer@example.com" in text_ and "Order #" in text_ and "VC-" in text_
    assert account_ref


def test_duplicate_and_replayed_events_change_nothing(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    completed = event("checkout.session.completed", session)
    first = post_event(api, completed, stripe_fake.webhook_secret)
    duplicate = post_event(api, completed, stripe_fake.webhook_secret)
    # A replay: the same bytes re-signed a minute later, still inside the tolerance.
    replay = post_event(api, completed, stripe_fake.webhook_secret, timestamp=int(time.time()) - 60)
    assert first.json()["duplicate"] is False
    assert duplicate.json()["duplicate"] is True and replay.json()["duplicate"] is True
    process_all(db)
    again = post_event(api, completed, stripe_fake.webhook_secret)
    assert again.json()["duplicate"] is True
    process_all(db)
    assert db.exec(select(func.count()).select_from(ProcessedWebhookEvent)).one() == 1
    assert db.exec(select(func.count()).select_from(License)).one() == 1
    assert _ledger(db, purchase_id) == [("sale", 900), ("platform_fee", -90)]
    assert db.get(Listing, listing.id).sales_count == 1
    # A second, distinct event for the same session (Stripe retried with a new id) is harmless.
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    assert process_all(db)[-1] == "already_applied"
    assert len(_ledger(db, purchase_id)) == 2


def test_out_of_order_refund_before_payment_waits_then_applies(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    refunded_charge = stripe_fake.refund_in_dashboard(session["payment_intent"])
    post_event(api, event("charge.refunded", refunded_charge), stripe_fake.webhook_secret)
    refund_row = db.exec(select(ProcessedWebhookEvent.id)).one()
    with pytest.raises(NotReady):
        events.process_event(session=db, event_row_id=refund_row)
    db.rollback()
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    process_all(db)  # completion applies; the refund was refused once and is still pending
    wait_for(lambda: purchase_status(db, purchase_id) in ("paid", "refunded"))
    events.process_event(session=db, event_row_id=refund_row)
    db.commit()
    assert purchase_status(db, purchase_id) == "refunded"
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert (license.status, license.disabled_reason) == ("disabled", "refunded")
    assert _ledger(db, purchase_id) == [
        ("sale", 900),
        ("platform_fee", -90),
        ("refund", -900),
        ("fee_reversal", 90),
    ]
    assert db.get(Listing, listing.id).sales_count == 0


def test_out_of_order_events_settle_through_worker_retries(db, api, stripe_fake, celery_worker):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    dispute = stripe_fake.dispute(session["payment_intent"])
    post_event(api, event("charge.dispute.created", dispute), stripe_fake.webhook_secret)
    time.sleep(0.5)  # the worker tries the dispute first and defers it
    assert purchase_status(db, purchase_id) == "pending"
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    wait_for(lambda: purchase_status(db, purchase_id) == "disputed")
    assert _ledger(db, purchase_id) == [
        ("sale", 900),
        ("platform_fee", -90),
        ("dispute", -900),
        ("fee_reversal", 90),
    ]
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert license.status == "disabled"


def test_subscription_lifecycle(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    account_ref = _connect(db, api, stripe_fake, seller)
    listing = publish(db, seller, pricing_model="subscription_monthly", price_cents=500)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    params = stripe_fake.calls("POST", "/v1/checkout/sessions")[0].params
    assert params["mode"] == "subscription"
    assert params["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    assert params["subscription_data"]["application_fee_percent"] == "10.0"
    assert params["subscription_data"]["transfer_data"] == {"destination": account_ref}
    subscription_id = session["subscription"]
    first_invoice = stripe_fake.renew_subscription(subscription_id, first=True)
    # invoice.paid often arrives before checkout.session.completed: it waits for it.
    invoice_event = event("invoice.paid", first_invoice)
    post_event(api, invoice_event, stripe_fake.webhook_secret)
    invoice_row = db.exec(
        select(ProcessedWebhookEvent.id).where(
            ProcessedWebhookEvent.event_id == invoice_event["id"]
        )
    ).one()
    with pytest.raises(NotReady):
        events.process_event(session=db, event_row_id=invoice_row)
    db.rollback()
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    assert process_all(db)[-2:] == ["invoice_booked", "paid"]
    purchase = reload(db, Purchase, purchase_id)
    period_end = datetime.fromtimestamp(first_invoice["lines"]["data"][0]["period"]["end"], UTC)
    assert purchase.status == "paid" and purchase.subscription_ref == subscription_id
    assert purchase.current_period_end == period_end
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert license.expires_at == period_end
    assert [k for k, _ in _ledger(db, purchase_id)] == ["sale", "platform_fee", "payout"]

    # A renewal extends access and books another sale.
    renewal = stripe_fake.renew_subscription(subscription_id)
    stale_update = event(
        "customer.subscription.updated",
        stripe_fake.subscription_object(subscription_id),
        created=int(time.time()) - 3600,
    )
    post_event(api, event("invoice.paid", renewal), stripe_fake.webhook_secret)
    process_all(db)
    purchase = reload(db, Purchase, purchase_id)
    assert purchase.current_period_end == period_end + timedelta(days=30)
    assert [k for k, _ in _ledger(db, purchase_id)].count("sale") == 2

    # Cancellation at period end: access until then, not beyond.
    canceled = dict(stripe_fake.subscription_object(subscription_id), status="canceled")
    canceled["ended_at"] = int(purchase.current_period_end.timestamp())
    post_event(api, event("customer.subscription.deleted", canceled), stripe_fake.webhook_secret)
    process_all(db)
    # An older "updated" event delivered late is ignored: deletion stays.
    post_event(api, stale_update, stripe_fake.webhook_secret)
    assert process_all(db)[-1] == "stale"
    purchase = reload(db, Purchase, purchase_id)
    assert purchase.subscription_status == "canceled"
    end = purchase.current_period_end
    assert access.grants_access(purchase, end - timedelta(seconds=1))
    assert not access.grants_access(purchase, end + timedelta(seconds=1))
    key = licensing.reveal_key(
        db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    )
    later = licensing.validate(session=db, license_key=key, now=end + timedelta(minutes=1))
    assert later["valid"] is False and later["error"] == "license_expired"


def test_refund_by_seller_calls_stripe_and_disables_downloads_and_key(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    other_seller = make_user(db, "other@example.com", Role.seller)
    _connect(db, api, stripe_fake, seller)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    process_all(db)
    with pytest.raises(NotFound):
        refunds.refund_purchase(session=db, actor=other_seller, purchase_id=purchase_id)
    db.rollback()
    with pytest.raises(NotFound):
        refunds.refund_purchase(session=db, actor=buyer, purchase_id=purchase_id)
    db.rollback()
    refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
    db.commit()
    [call] = stripe_fake.calls("POST", "/v1/refunds")
    assert call.params["payment_intent"] == session["payment_intent"]
    assert call.params["reverse_transfer"] == "true"
    assert call.params["refund_application_fee"] == "true"
    assert call.headers["idempotency-key"] == f"vc-refund-{purchase_id}"
    assert purchase_status(db, purchase_id) == "refunded"
    license = db.exec(select(License).where(License.purchase_id == purchase_id)).one()
    assert license.status == "disabled"
    # The seller's share came back from their Stripe account: nothing owed either way.
    assert _ledger(db, purchase_id) == [
        ("sale", 900),
        ("platform_fee", -90),
        ("payout", -810),
        ("refund", -900),
        ("fee_reversal", 90),
        ("payout_reversal", 810),
    ]
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.unpaid_cents == 0 and balance.refunds_cents == 900
    # Stripe's own charge.refunded webhook then arrives: nothing left to do.
    charge = stripe_fake.charges[
        stripe_fake.payment_intents[session["payment_intent"]]["latest_charge"]
    ]
    post_event(api, event("charge.refunded", charge), stripe_fake.webhook_secret)
    process_all(db)
    assert len(_ledger(db, purchase_id)) == 6
    with pytest.raises(Conflict):
        refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)


def test_refund_window_binds_sellers_not_admins(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    admin = make_user(db, "admin@example.com", Role.admin)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    process_all(db)
    late = datetime.now(UTC) + timedelta(days=15)
    with pytest.raises(PermissionDenied) as err:
        refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id, now=late)
    assert err.value.code == "refund_window_passed"
    db.rollback()
    refunds.refund_purchase(
        session=db, actor=admin, purchase_id=purchase_id, admin_override_window=True, now=late
    )
    db.commit()
    assert purchase_status(db, purchase_id) == "refunded"
    # Without a destination charge the platform held the money: refund returns the fee only.
    assert _ledger(db, purchase_id) == [
        ("sale", 900),
        ("platform_fee", -90),
        ("refund", -900),
        ("fee_reversal", 90),
    ]
    assert "reverse_transfer" not in stripe_fake.calls("POST", "/v1/refunds")[0].params


def test_partial_dashboard_refund_books_only_the_refunded_part(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller, price_cents=1000)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    charge = stripe_fake.refund_in_dashboard(session["payment_intent"], amount=400)
    post_event(api, event("charge.refunded", charge), stripe_fake.webhook_secret)
    process_all(db)
    assert purchase_status(db, purchase_id) == "paid"
    assert _ledger(db, purchase_id)[-2:] == [("refund", -400), ("fee_reversal", 40)]
    charge = stripe_fake.refund_in_dashboard(session["payment_intent"])
    post_event(api, event("charge.refunded", charge), stripe_fake.webhook_secret)
    process_all(db)
    assert purchase_status(db, purchase_id) == "refunded"
    assert _ledger(db, purchase_id)[-2:] == [("refund", -600), ("fee_reversal", 60)]


def test_a_stripe_event_cannot_touch_a_dummy_purchase(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    forged = event(
        "checkout.session.completed",
        {
            "id": "cs_test_forged",
            "object": "checkout.session",
            "client_reference_id": str(start.purchase_id),
            "metadata": {"purchase_id": str(start.purchase_id)},
            "payment_status": "paid",
            "payment_intent": "pi_forged",
            "amount_total": 900,
            "currency": "usd",
            "mode": "payment",
        },
    )
    post_event(api, forged, stripe_fake.webhook_secret)
    assert process_all(db)[-1] == "unknown_checkout"
    assert purchase_status(db, start.purchase_id) == "pending"


# --- dummy gateway ------------------------------------------------------------------------------


def test_stripe_test_cards_on_the_dummy_gateway():
    assert charge_card("4242 4242 4242 4242").approved
    assert charge_card("4000 0000 0000 0002").code == "card_declined"
    assert charge_card("4000000000009995").code == "insufficient_funds"
    assert charge_card("4242 4242 4242 4241").code == "incorrect_number"
    assert charge_card("5105 1051 0510 5100").code == "card_declined"  # a real-looking card


def test_dummy_checkout_page_pays_through_the_same_events(db, api):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    path = start.url.split("://", 1)[1].split("/", 1)[1]
    # Signed out (or anyone but the buyer): the checkout does not exist, and cannot be paid.
    api.cookies.clear()
    assert api.get("/" + path).status_code == 404
    stranger = api.post("/" + path, data={"card_number": "4242 4242 4242 4242"})
    assert stranger.status_code == 404 and purchase_status(db, start.purchase_id) == "pending"
    api.cookies.set("vc_session", auth.create_session(session=db, user=buyer))
    db.commit()
    page = api.get("/" + path)
    assert page.status_code == 200 and "TEST PAYMENTS" in page.text and "$9" in page.text
    declined = api.post("/" + path, data={"card_number": "4000 0000 0000 0002"})
    assert declined.status_code == 402 and "Your card was declined." in declined.text
    poor = api.post("/" + path, data={"card_number": "4000 0000 0000 9995"})
    assert "insufficient funds" in poor.text
    assert purchase_status(db, start.purchase_id) == "pending"
    paid = api.post("/" + path, data={"card_number": "4242 4242 4242 4242"}, follow_redirects=False)
    assert paid.status_code == 303 and paid.headers["location"].endswith(
        f"/library?purchase={start.purchase_id}"
    )
    # A double submit of the form emits nothing new.
    api.post("/" + path, data={"card_number": "4242424242424242"}, follow_redirects=False)
    assert db.exec(select(func.count()).select_from(ProcessedWebhookEvent)).one() == 1
    assert process_all(db) == ["paid"]
    assert purchase_status(db, start.purchase_id) == "paid"
    assert _ledger(db, start.purchase_id) == [("sale", 900), ("platform_fee", -90)]
    # Refund through the dummy gateway: the same handler as Stripe's charge.refunded.
    refunds.refund_purchase(session=db, actor=seller, purchase_id=start.purchase_id)
    db.commit()
    assert purchase_status(db, start.purchase_id) == "refunded"
    assert "Checkout not found" in api.get("/api/checkout/dummy/cs_dummy_nope").text


def test_free_listing_get_claims_once_with_a_license(db):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller, pricing_model="free", price_cents=0, license_type="mit")
    first = checkout.claim_free(session=db, buyer=buyer, listing_id=listing.id)
    db.commit()
    second = checkout.claim_free(session=db, buyer=buyer, listing_id=listing.id)
    db.commit()
    assert first.id == second.id and first.status == "paid" and first.amount_cents == 0
    license = db.exec(select(License).where(License.purchase_id == first.id)).one()
    assert license.activation_limit is None  # MIT: unlimited machines
    assert _ledger(db) == []
    with pytest.raises(Conflict):
        checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)


# --- ledger and payouts --------------------------------------------------------------------------


def test_ledger_rows_cannot_be_updated_or_deleted(db, api):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    path = "/" + start.url.split("://", 1)[1].split("/", 1)[1]
    pay_as(api, db, buyer, path)
    process_all(db)
    for statement in ("UPDATE ledger_entries SET amount_cents = 1", "DELETE FROM ledger_entries"):
        with pytest.raises(Exception, match="append-only"):
            db.exec(text(statement))
        db.rollback()


def test_payouts_fail_with_a_reason_then_succeed_once_an_account_exists(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    process_all(db)
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.unpaid_cents == 810
    request = ledger.request_payout(session=db, seller=seller, currency="usd")
    db.commit()
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert (balance.unpaid_cents, balance.processing_cents) == (0, 810)
    payout = ledger.settle_payout(session=db, payout_id=request.payout_id)
    db.commit()
    assert payout.status == "failed" and "No payout account" in payout.failure_reason
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.unpaid_cents == 810  # back in the balance
    # Onboarding started but not finished: Stripe refuses, the reason is kept for the seller.
    payouts.start_payout_onboarding(session=db, seller=seller)
    db.commit()
    request = ledger.request_payout(session=db, seller=seller, currency="usd")
    payout = ledger.settle_payout(session=db, payout_id=request.payout_id)
    db.commit()
    assert payout.status == "failed" and "finish onboarding" in payout.failure_reason
    account = db.get(SellerPayoutAccount, seller.id)
    post_event(
        api,
        event("account.updated", stripe_fake.enable_account(account.account_ref)),
        stripe_fake.webhook_secret,
    )
    process_all(db)
    request = ledger.request_payout(session=db, seller=seller, currency="usd")
    payout = ledger.settle_payout(session=db, payout_id=request.payout_id)
    db.commit()
    assert payout.status == "paid" and payout.gateway_ref.startswith("tr_test_")
    [transfer_call] = [
        c for c in stripe_fake.calls("POST", "/v1/transfers") if c.params["amount"] == "810"
    ][-1:]
    assert transfer_call.headers["idempotency-key"] == f"vc-payout-{payout.id}"
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert (balance.unpaid_cents, balance.processing_cents, balance.paid_cents) == (0, 0, 810)
    with pytest.raises(Exception, match="payouts start at"):
        ledger.request_payout(session=db, seller=seller, currency="usd")
    assert purchase_id


def test_new_version_notifies_owners_once(db, celery_worker):
    from tests.fakes.commerce import add_version
    from vibecoder.domain.accounts import notifications
    from vibecoder.domain.commerce.library import library_for

    notifications.watch_version_publishing()
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller, pricing_model="free", price_cents=0, license_type="mit")
    checkout.claim_free(session=db, buyer=buyer, listing_id=listing.id)
    db.commit()
    [entry] = library_for(session=db, user=buyer)
    assert entry.update_available is False and entry.version_bought == "1.0.0"
    add_version(db, seller, listing, "1.1.0", {"dedupe.py": "print('v1.1')\n"})

    def notice():
        db.expire_all()
        return db.exec(select(Notification).where(Notification.kind == "new_version")).first()

    found = wait_for(notice)
    assert found.user_id == buyer.id and "1.1.0" in found.title
    [entry] = library_for(session=db, user=buyer)
    assert entry.update_available is True and entry.latest_version == "1.1.0"
    assert [v.version for v in entry.versions] == ["1.1.0", "1.0.0"]


def test_checkout_expired_event_cancels_the_pending_purchase(db, api, stripe_fake):
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    session_id = start.url.rsplit("/", 1)[1]
    expired = dict(stripe_fake.sessions[session_id], status="expired")
    expired.pop("_params")
    post_event(api, event("checkout.session.expired", expired), stripe_fake.webhook_secret)
    assert process_all(db)[-1] == "expired"
    assert purchase_status(db, start.purchase_id) == "canceled"
    again = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    assert again.purchase_id != start.purchase_id


def test_a_refund_that_failed_at_stripe_can_be_retried_at_once(db, api, stripe_fake):
    """Stripe replays an error stored under an idempotency key for 24 h: a retry needs a new one."""
    seller, buyer = _seller_buyer(db)
    listing = publish(db, seller)
    purchase_id, session = _checkout(db, stripe_fake, buyer, listing)
    post_event(api, event("checkout.session.completed", session), stripe_fake.webhook_secret)
    process_all(db)
    stripe_fake.fail_next["POST /v1/refunds"] = StripeError(
        400, "invalid_request_error", "This charge has a pending dispute."
    )
    with pytest.raises(PaymentUnavailable) as failed:
        refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
    assert "pending dispute" in failed.value.message
    db.rollback()
    assert purchase_status(db, purchase_id) == "paid"

    refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
    db.commit()
    assert purchase_status(db, purchase_id) == "refunded"
    first, second = stripe_fake.calls("POST", "/v1/refunds")
    assert first.headers["idempotency-key"] == f"vc-refund-{purchase_id}"
    assert second.headers["idempotency-key"] == f"vc-refund-{purchase_id}-retry1"
    assert _ledger(db, purchase_id)[-2:] == [("refund", -900), ("fee_reversal", 90)]
