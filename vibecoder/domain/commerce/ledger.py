"""The seller payout ledger: append-only rows, balances derived from them, payouts.

Signs are from the seller's point of view. A sale books `sale` (+gross) and `platform_fee`
(−fee); a refund books `refund` (−gross refunded) and `fee_reversal` (+the fee share we return);
a dispute books `dispute` (−amount) and `fee_reversal`. Money leaving for the seller books
`payout` (−amount); a failed payout books `payout_reversal` (+amount). The unpaid balance is
the sum of all rows; nothing is ever updated (a trigger refuses it) and every row names the
gateway fact behind it in `source_ref`, unique per kind, so a replayed fact books nothing.

With Stripe destination charges the seller's share reaches their connected account at charge
time: that is booked at once as a paid payout (method `stripe_destination`), and reversed
(`payout_reversal`) when a refund pulls it back with reverse_transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from vibecoder.domain import dates
from vibecoder.domain.commerce.money import format_amount
from vibecoder.errors import NotFound, ValidationFailed
from vibecoder.models.commerce import (
    LedgerEntry,
    LedgerKind,
    Payout,
    PayoutStatus,
    Purchase,
    SellerPayoutAccount,
)
from vibecoder.models.users import User
from vibecoder.settings import get_settings


def platform_fee(amount_cents: int, percent: float | None = None) -> int:
    """The platform's cut, rounded half up to a whole cent."""
    percent = get_settings().platform_fee_percent if percent is None else percent
    return min(amount_cents, int(amount_cents * percent / 100 + 0.5))


def book(
    *,
    session: Session,
    seller_id: int,
    kind: LedgerKind,
    amount_cents: int,
    currency: str,
    gateway: str,
    source_ref: str,
    purchase_id: int | None = None,
    payout_id: int | None = None,
    payment_ref: str | None = None,
    description: str = "",
    at: datetime | None = None,
) -> bool:
    """Append one row unless this (kind, source) is already booked; True when appended."""
    inserted = session.exec(
        insert(LedgerEntry)
        .values(
            seller_id=seller_id,
            purchase_id=purchase_id,
            payout_id=payout_id,
            kind=kind.value,
            amount_cents=amount_cents,
            currency=currency.lower(),
            gateway=gateway,
            source_ref=source_ref[:255],
            payment_ref=payment_ref,
            description=description[:300],
            created_at=at or datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["kind", "source_ref"])
        .returning(LedgerEntry.id)
    ).first()
    return inserted is not None


def record_sale(
    *,
    session: Session,
    purchase: Purchase,
    seller_id: int,
    gross_cents: int,
    currency: str,
    source_ref: str,
    payment_ref: str | None,
    transferred: bool,
    description: str,
    fee_percent: float | None = None,
    at: datetime | None = None,
) -> bool:
    """Book a payment (a one-time sale or one subscription invoice); False if already booked.

    `at` back-dates the rows (the demo catalog's purchases happened days ago)."""
    if gross_cents <= 0:
        return False
    fee = platform_fee(gross_cents, fee_percent)
    common = {
        "session": session,
        "seller_id": seller_id,
        "currency": currency,
        "gateway": purchase.gateway,
        "purchase_id": purchase.id,
        "payment_ref": payment_ref,
        "at": at,
    }
    if not book(
        kind=LedgerKind.sale,
        amount_cents=gross_cents,
        source_ref=source_ref,
        description=description,
        **common,
    ):
        return False
    if fee:
        book(
            kind=LedgerKind.platform_fee,
            amount_cents=-fee,
            source_ref=source_ref,
            description=f"Platform fee on {description}",
            **common,
        )
    net = gross_cents - fee
    if transferred and net > 0:
        payout = Payout(
            seller_id=seller_id,
            amount_cents=net,
            currency=currency,
            status=PayoutStatus.paid,
            method="stripe_destination",
            gateway_ref=payment_ref,
        )
        session.add(payout)
        session.flush()
        book(
            kind=LedgerKind.payout,
            amount_cents=-net,
            source_ref=f"destination:{source_ref}",
            payout_id=payout.id,
            description="Transferred to your Stripe account with the charge",
            **common,
        )
    return True


def _sum(session: Session, purchase_id: int, kind: LedgerKind) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
                LedgerEntry.purchase_id == purchase_id, LedgerEntry.kind == kind.value
            )
        ).one()
    )


def has_sale(*, session: Session, purchase_id: int) -> bool:
    return _sum(session, purchase_id, LedgerKind.sale) > 0


def record_reversal(
    *,
    session: Session,
    purchase: Purchase,
    seller_id: int,
    kind: LedgerKind,
    total_reversed_cents: int,
    currency: str,
    source_ref: str,
    description: str,
) -> int:
    """Book a refund or dispute up to `total_reversed_cents` for the purchase so far.

    Gateways report refunds cumulatively (amount_refunded), so only the part not booked yet is
    booked: replays and our own early booking of a refund we started add nothing.
    """
    gross = _sum(session, purchase.id, LedgerKind.sale)
    already = -_sum(session, purchase.id, LedgerKind.refund) - _sum(
        session, purchase.id, LedgerKind.dispute
    )
    delta = min(total_reversed_cents, gross) - already
    if delta <= 0 or gross <= 0:
        return 0
    common = {
        "session": session,
        "seller_id": seller_id,
        "currency": currency,
        "gateway": purchase.gateway,
        "purchase_id": purchase.id,
    }
    if not book(
        kind=kind,
        amount_cents=-delta,
        source_ref=source_ref,
        description=description,
        **common,
    ):
        return 0
    fees = -_sum(session, purchase.id, LedgerKind.platform_fee)
    fee_back = int(fees * delta / gross + 0.5)
    if fee_back:
        book(
            kind=LedgerKind.fee_reversal,
            amount_cents=fee_back,
            source_ref=f"{kind.value}:{source_ref}",
            description=f"Platform fee returned ({kind.value})",
            **common,
        )
    transferred = -session.exec(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.purchase_id == purchase.id,
            LedgerEntry.kind == LedgerKind.payout.value,
            LedgerEntry.source_ref.startswith("destination:"),
        )
    ).one()
    if transferred and kind == LedgerKind.refund:
        # reverse_transfer pulled the seller's share of this refund back from their account.
        book(
            kind=LedgerKind.payout_reversal,
            amount_cents=int(transferred * delta / gross + 0.5),
            source_ref=f"reverse_transfer:{source_ref}",
            description="Taken back from your Stripe account for the refund",
            **common,
        )
    return delta


# --- balances and payouts ----------------------------------------------------------------------


class LedgerRow(BaseModel):
    id: int
    kind: str
    amount: str
    amount_cents: int
    currency: str
    description: str
    date: str


class PayoutRow(BaseModel):
    id: int
    amount: str
    status: str
    method: str
    failure_reason: str
    date: str


class Balance(BaseModel):
    currency: str
    unpaid_cents: int
    processing_cents: int
    paid_cents: int
    gross_cents: int
    fees_cents: int
    refunds_cents: int
    disputes_cents: int
    unpaid: str
    processing: str
    paid: str
    gross: str
    fees: str
    refunds: str
    disputes: str


def balances(*, session: Session, seller_id: int) -> list[Balance]:
    sums: dict[tuple[str, str], int] = {}
    for currency, kind, total in session.exec(
        select(LedgerEntry.currency, LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.seller_id == seller_id)
        .group_by(LedgerEntry.currency, LedgerEntry.kind)
    ):
        sums[(currency, kind)] = int(total)
    payouts: dict[tuple[str, str], int] = {}
    for currency, status, total in session.exec(
        select(Payout.currency, Payout.status, func.sum(Payout.amount_cents))
        .where(Payout.seller_id == seller_id)
        .group_by(Payout.currency, Payout.status)
    ):
        payouts[(currency, status)] = int(total)
    currencies = sorted({c for c, _ in sums} | {c for c, _ in payouts})
    result = []
    for cur in currencies:
        unpaid = sum(v for (c, _), v in sums.items() if c == cur)
        values = {
            "unpaid_cents": unpaid,
            "processing_cents": payouts.get((cur, PayoutStatus.processing), 0),
            "paid_cents": payouts.get((cur, PayoutStatus.paid), 0),
            "gross_cents": sums.get((cur, LedgerKind.sale), 0),
            "fees_cents": -sums.get((cur, LedgerKind.platform_fee), 0)
            - sums.get((cur, LedgerKind.fee_reversal), 0),
            "refunds_cents": -sums.get((cur, LedgerKind.refund), 0),
            "disputes_cents": -sums.get((cur, LedgerKind.dispute), 0),
        }
        formatted = {k.removesuffix("_cents"): format_amount(v, cur) for k, v in values.items()}
        result.append(Balance(currency=cur, **values, **formatted))
    return result


def entries(*, session: Session, seller_id: int, limit: int = 100) -> list[LedgerRow]:
    tz = dates.zone_of(session, seller_id)
    rows = session.exec(
        select(LedgerEntry)
        .where(LedgerEntry.seller_id == seller_id)
        .order_by(LedgerEntry.id.desc())
        .limit(min(max(limit, 1), 500))
    )
    return [
        LedgerRow(
            id=row.id,
            kind=row.kind,
            amount=format_amount(row.amount_cents, row.currency),
            amount_cents=row.amount_cents,
            currency=row.currency,
            description=row.description,
            date=dates.local(row.created_at, tz),
        )
        for row in rows
    ]


def payouts_of(*, session: Session, seller_id: int, limit: int = 50) -> list[PayoutRow]:
    tz = dates.zone_of(session, seller_id)
    rows = session.exec(
        select(Payout)
        .where(Payout.seller_id == seller_id)
        .order_by(Payout.id.desc())
        .limit(min(max(limit, 1), 200))
    )
    return [
        PayoutRow(
            id=row.id,
            amount=format_amount(row.amount_cents, row.currency),
            status=row.status,
            method=row.method,
            failure_reason=row.failure_reason or "",
            date=dates.local(row.created_at, tz),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PayoutRequest:
    payout_id: int
    amount_cents: int
    currency: str


def request_payout(*, session: Session, seller: User, currency: str) -> PayoutRequest:
    """Move the whole unpaid balance in one currency into a processing payout."""
    from vibecoder.domain.accounts.email_links import require_verified_email

    require_verified_email(seller)
    currency = currency.lower()
    # One payout request at a time per seller: lock the seller row while summing.
    session.exec(select(User.id).where(User.id == seller.id).with_for_update()).one()
    unpaid = int(
        session.exec(
            select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
                LedgerEntry.seller_id == seller.id, LedgerEntry.currency == currency
            )
        ).one()
    )
    minimum = get_settings().min_payout_cents
    if unpaid < minimum:
        raise ValidationFailed(
            "balance_too_low",
            f"Your unpaid balance is {format_amount(unpaid, currency)}; payouts start at "
            f"{format_amount(minimum, currency)}.",
        )
    account = session.get(SellerPayoutAccount, seller.id)
    method = f"{account.gateway}_transfer" if account else "unassigned"
    payout = Payout(seller_id=seller.id, amount_cents=unpaid, currency=currency, method=method[:32])
    session.add(payout)
    session.flush()
    book(
        session=session,
        seller_id=seller.id,
        kind=LedgerKind.payout,
        amount_cents=-unpaid,
        currency=currency,
        gateway=account.gateway if account else "none",
        source_ref=f"payout:{payout.id}",
        payout_id=payout.id,
        description=f"Payout #{payout.id}",
    )
    return PayoutRequest(payout.id, unpaid, currency)


def settle_payout(*, session: Session, payout_id: int) -> Payout:
    """Send a processing payout through the seller's payout account: paid, or failed + reason."""
    from vibecoder.domain.commerce.gateways import (
        GatewayError,
        GatewayOutcomeUnknown,
        get_gateway,
    )

    payout = session.exec(select(Payout).where(Payout.id == payout_id).with_for_update()).first()
    if payout is None:
        raise NotFound("payout_not_found", "No such payout.")
    if payout.status != PayoutStatus.processing:
        return payout
    account = session.get(SellerPayoutAccount, payout.seller_id)
    reason = None
    if account is None:
        reason = "No payout account: connect one on the Payouts page, then request a payout."
    elif not account.payouts_enabled:
        reason = "Your payout account cannot receive payouts yet: " + (
            account.disabled_reason or "finish onboarding with Stripe."
        )
    else:
        try:
            payout.gateway_ref = get_gateway(account.gateway).transfer(
                account_ref=account.account_ref,
                amount_cents=payout.amount_cents,
                currency=payout.currency,
                idempotency_key=f"vc-payout-{payout.id}",
                description=f"VibeCoder payout #{payout.id}",
            )
        except GatewayOutcomeUnknown:
            # Maybe sent, maybe not: stays processing; the reconciler retries with the same
            # key (vibecoder/domain/commerce/reconcile.py). Failing it would let the seller
            # request it again under a new key and be paid twice.
            payout.updated_at = datetime.now(UTC)
            session.add(payout)
            session.flush()
            return payout
        except GatewayError as exc:
            reason = exc.message
    payout.updated_at = datetime.now(UTC)
    if reason is None:
        payout.status = PayoutStatus.paid
    else:
        payout.status = PayoutStatus.failed
        payout.failure_reason = reason[:500]
        book(
            session=session,
            seller_id=payout.seller_id,
            kind=LedgerKind.payout_reversal,
            amount_cents=payout.amount_cents,
            currency=payout.currency,
            gateway=account.gateway if account else "none",
            source_ref=f"payout:{payout.id}",
            payout_id=payout.id,
            description=f"Payout #{payout.id} failed; back in your balance",
        )
    session.add(payout)
    session.flush()
    return payout
