"""Gateway calls that got no answer (timeouts): recorded as pending, then finished later with
the SAME idempotency key, so the gateway replays what it did, or does it exactly once.

- Payouts: a transfer without an answer leaves the payout `processing`; processing payouts
  untouched for a while are settled again (ledger.settle_payout reuses `vc-payout-<id>`).
- Refunds: a refund without an answer is recorded in Redis (append-only file in production)
  with who asked; it is retried with the same key (no failure is counted, so the key stays)
  until the gateway answers either way.

The beat task is workers/reconcile.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from sqlmodel import Session, select

from vibecoder.models.commerce import Payout, PayoutStatus

PENDING_REFUNDS = "vc:refunds:pending"


def stale_processing_payouts(
    *, session: Session, older_than_seconds: float, now: datetime | None = None
) -> list[int]:
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=older_than_seconds)
    return list(
        session.exec(
            select(Payout.id).where(
                Payout.status == PayoutStatus.processing, Payout.updated_at < cutoff
            )
        )
    )


def record_pending_refund(client: redis.Redis, *, purchase_id: int, actor_id: int) -> None:
    client.hset(PENDING_REFUNDS, str(purchase_id), str(actor_id))


def pending_refunds(client: redis.Redis) -> dict[int, int]:
    return {int(k): int(v) for k, v in client.hgetall(PENDING_REFUNDS).items()}


def retry_refund(*, session: Session, client: redis.Redis, purchase_id: int, actor_id: int) -> str:
    """One more try of a refund that got no answer; returns what happened."""
    from vibecoder.domain.commerce.errors import PaymentUnavailable
    from vibecoder.domain.commerce.refunds import refund_purchase
    from vibecoder.domain.errors import Conflict, ServiceError
    from vibecoder.models.users import User

    actor = session.get(User, actor_id)
    if actor is None:
        client.hdel(PENDING_REFUNDS, str(purchase_id))
        return "actor_gone"
    try:
        with session.begin_nested():
            refund_purchase(
                session=session,
                actor=actor,
                purchase_id=purchase_id,
                # The refund was asked for inside the window; finishing it late is not a new one.
                admin_override_window=True,
            )
    except PaymentUnavailable as exc:
        if exc.code == "refund_pending":
            return "still_pending"
        client.hdel(PENDING_REFUNDS, str(purchase_id))
        return "failed"
    except Conflict:
        # Already refunded (its webhook came first) or no longer refundable.
        client.hdel(PENDING_REFUNDS, str(purchase_id))
        return "settled"
    except ServiceError:
        client.hdel(PENDING_REFUNDS, str(purchase_id))
        return "refused"
    client.hdel(PENDING_REFUNDS, str(purchase_id))
    return "refunded"
