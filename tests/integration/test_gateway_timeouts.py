"""Payouts and refunds whose gateway call gets no answer: pending, then reconciled with the
same idempotency key — never marked failed and sent again under a new key.

The fake Stripe server does the request and then either drops the connection or answers only
after the client's timeout (VIBECODER_STRIPE_TIMEOUT_SECONDS) has passed, for every one of the
client's own retries, so the app cannot know what happened.
"""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    post_event,
    process_all,
    publish,
    purchase_status,
    stripe_fake_fixture,  # noqa: F401 - the `stripe_fake` fixture
)
from tests.fakes.stripe_server import event
from vibecoder.domain.commerce import checkout, ledger, payouts, reconcile, refunds
from vibecoder.domain.commerce.errors import PaymentUnavailable
from vibecoder.domain.commerce.gateways.stripe import MAX_NETWORK_RETRIES
from vibecoder.errors import ValidationFailed
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.commerce import LedgerEntry, Payout, SellerPayoutAccount
from vibecoder.models.users import Role


def reconcile_gateway_calls() -> dict[str, int]:
    # The beat task's body, run here (the Celery app needs REDIS_URL, set by the fixtures).
    from workers.reconcile import reconcile_gateway_calls as task

    return task()


def _paid_sale(db, api, fake, *, connect_first: bool):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    if connect_first:
        _connect(db, api, fake, seller)
    listing = publish(db, seller)
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    session = fake.complete_session(start.url.rsplit("/", 1)[1])
    post_event(api, event("checkout.session.completed", session), fake.webhook_secret)
    process_all(db)
    return seller, start.purchase_id


def _connect(db, api, fake, seller) -> None:
    payouts.start_payout_onboarding(session=db, seller=seller)
    db.commit()
    account = db.get(SellerPayoutAccount, seller.id)
    post_event(
        api, event("account.updated", fake.enable_account(account.account_ref)), fake.webhook_secret
    )
    process_all(db)


def test_a_payout_without_an_answer_stays_processing_and_is_paid_once(db, api, stripe_fake):
    seller, _ = _paid_sale(db, api, stripe_fake, connect_first=False)
    _connect(db, api, stripe_fake, seller)
    request = ledger.request_payout(session=db, seller=seller, currency="usd")
    db.commit()
    stripe_fake.drop_answers["POST /v1/transfers"] = 10
    payout = ledger.settle_payout(session=db, payout_id=request.payout_id)
    db.commit()
    # Not failed: nothing went back to the balance, so no second payout can be requested.
    assert payout.status == "processing"
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.unpaid_cents == 0 and balance.processing_cents == 810
    assert len(stripe_fake.transfers) == 1  # it did happen at Stripe
    # Stripe answers again; beat's reconciler settles it with the same key.
    stripe_fake.drop_answers.clear()
    with configured(VIBECODER_PAYMENTS_STUCK_AFTER_SECONDS="0"):
        assert reconcile_gateway_calls() == {"payouts_settled": 1, "refunds_settled": 0}
    db.expire_all()
    payout = db.get(Payout, request.payout_id)
    assert payout.status == "paid" and payout.gateway_ref in stripe_fake.transfers
    assert len(stripe_fake.transfers) == 1
    keys = {c.headers["idempotency-key"] for c in stripe_fake.calls("POST", "/v1/transfers")}
    assert keys == {f"vc-payout-{payout.id}"}
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.processing_cents == 0 and balance.paid_cents == 810


def test_a_refund_without_an_answer_is_pending_then_refunded_once(db, api, stripe_fake):
    seller, purchase_id = _paid_sale(db, api, stripe_fake, connect_first=True)
    stripe_fake.drop_answers["POST /v1/refunds"] = 10
    with pytest.raises(PaymentUnavailable) as raised:
        refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
    db.rollback()
    assert raised.value.code == "refund_pending"
    assert "confirming" in raised.value.message
    assert purchase_status(db, purchase_id) == "paid"
    assert reconcile.pending_refunds(get_redis()) == {purchase_id: seller.id}
    stripe_fake.drop_answers.clear()
    assert reconcile_gateway_calls() == {"payouts_settled": 0, "refunds_settled": 1}
    db.expire_all()
    assert purchase_status(db, purchase_id) == "refunded"
    assert len(stripe_fake.refunds) == 1
    keys = {c.headers["idempotency-key"] for c in stripe_fake.calls("POST", "/v1/refunds")}
    assert keys == {f"vc-refund-{purchase_id}"}
    assert reconcile.pending_refunds(get_redis()) == {}


# Past the client's timeout, and the client's timeout short, so a test takes seconds.
TIMEOUT, LATE = "0.5", 2.0
TRIES = 1 + MAX_NETWORK_RETRIES  # one request and stripe-python's retries, one key


def _keys(fake, path: str) -> list[str]:
    return [c.headers["idempotency-key"] for c in fake.calls("POST", path)]


def test_a_payout_whose_call_times_out_stays_processing_then_is_paid_once(db, api, stripe_fake):
    seller, _ = _paid_sale(db, api, stripe_fake, connect_first=False)
    _connect(db, api, stripe_fake, seller)
    request = ledger.request_payout(session=db, seller=seller, currency="usd")
    db.commit()
    stripe_fake.delay_answers["POST /v1/transfers"] = (TRIES, LATE)
    with configured(VIBECODER_STRIPE_TIMEOUT_SECONDS=TIMEOUT):
        started = time.monotonic()
        payout = ledger.settle_payout(session=db, payout_id=request.payout_id)
        db.commit()
        # The client's timeout cut each try short (stripe-python's default is 80 s a try).
        assert time.monotonic() - started < TRIES * LATE
    assert payout.status == "processing" and payout.failure_reason is None
    key = f"vc-payout-{payout.id}"
    assert _keys(stripe_fake, "/v1/transfers") == [key] * TRIES
    assert len(stripe_fake.transfers) == 1  # Stripe did it; the answers came too late
    # Not failed, so nothing went back to the balance and no second payout can be asked for.
    kinds = db.exec(select(LedgerEntry.kind).where(LedgerEntry.payout_id == payout.id)).all()
    assert kinds == ["payout"]
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.unpaid_cents == 0 and balance.processing_cents == 810
    with pytest.raises(ValidationFailed) as refused:
        ledger.request_payout(session=db, seller=seller, currency="usd")
    db.rollback()
    assert refused.value.code == "balance_too_low"
    # Stripe answers in time again; beat's reconciler makes one call, with the same key, and
    # Stripe replays the transfer it made.
    with configured(
        VIBECODER_STRIPE_TIMEOUT_SECONDS=TIMEOUT, VIBECODER_PAYMENTS_STUCK_AFTER_SECONDS="0"
    ):
        assert reconcile_gateway_calls() == {"payouts_settled": 1, "refunds_settled": 0}
    assert _keys(stripe_fake, "/v1/transfers") == [key] * (TRIES + 1)
    db.expire_all()
    payout = db.get(Payout, request.payout_id)
    assert payout.status == "paid" and payout.gateway_ref == next(iter(stripe_fake.transfers))
    assert len(stripe_fake.transfers) == 1
    [balance] = ledger.balances(session=db, seller_id=seller.id)
    assert balance.processing_cents == 0 and balance.paid_cents == 810
    kinds = db.exec(select(LedgerEntry.kind).where(LedgerEntry.payout_id == payout.id)).all()
    assert kinds == ["payout"]


def test_a_refund_whose_call_times_out_is_pending_then_refunded_once(db, api, stripe_fake):
    seller, purchase_id = _paid_sale(db, api, stripe_fake, connect_first=True)
    stripe_fake.delay_answers["POST /v1/refunds"] = (TRIES, LATE)
    with configured(VIBECODER_STRIPE_TIMEOUT_SECONDS=TIMEOUT):
        started = time.monotonic()
        with pytest.raises(PaymentUnavailable) as raised:
            refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase_id)
        db.rollback()
        assert time.monotonic() - started < TRIES * LATE
    # The seller is told it is being confirmed, not that it failed; the order stays paid.
    assert raised.value.code == "refund_pending"
    assert "confirming" in raised.value.message
    assert purchase_status(db, purchase_id) == "paid"
    assert reconcile.pending_refunds(get_redis()) == {purchase_id: seller.id}
    key = f"vc-refund-{purchase_id}"
    assert _keys(stripe_fake, "/v1/refunds") == [key] * TRIES
    assert len(stripe_fake.refunds) == 1
    with configured(VIBECODER_STRIPE_TIMEOUT_SECONDS=TIMEOUT):
        assert reconcile_gateway_calls() == {"payouts_settled": 0, "refunds_settled": 1}
    assert _keys(stripe_fake, "/v1/refunds") == [key] * (TRIES + 1)
    assert len(stripe_fake.refunds) == 1
    assert purchase_status(db, purchase_id) == "refunded"
    assert reconcile.pending_refunds(get_redis()) == {}
    db.expire_all()
    entries = db.exec(
        select(LedgerEntry.kind, LedgerEntry.amount_cents).where(
            LedgerEntry.purchase_id == purchase_id, LedgerEntry.kind == "refund"
        )
    ).all()
    assert [tuple(e) for e in entries] == [("refund", -900)]
