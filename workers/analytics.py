"""Analytics writes, off the request path."""

from __future__ import annotations

from datetime import datetime

from vibecoder.domain.analytics.events import record_view
from vibecoder.infra.db import session_scope
from workers.celery_app import app


@app.task(name="workers.analytics.record_view", acks_late=True, ignore_result=True)
def record_view_task(
    *,
    listing_id: int,
    visitor: str,
    referrer: str | None,
    utm_source: str | None,
    user_id: int | None,
    at: str,
) -> None:
    # Idempotent: a redelivered task hits the per-visitor-per-day unique index and counts nothing.
    with session_scope() as session:
        record_view(
            session=session,
            listing_id=listing_id,
            visitor=visitor,
            referrer=referrer,
            utm_source=utm_source,
            user_id=user_id,
            at=datetime.fromisoformat(at),
        )


@app.task(name="workers.analytics.rollup_seller", acks_late=True, ignore_result=True)
def rollup_seller_task(seller_id: int) -> None:
    # Idempotent: a rollup recomputes whole days from raw events under an advisory lock.
    from vibecoder.domain.analytics.rollup import rollup_seller

    with session_scope() as session:
        rollup_seller(session=session, seller_id=seller_id)


@app.task(name="workers.analytics.rollup_all", acks_late=True, ignore_result=True)
def rollup_all_task() -> int:
    """The beat job: one rollup task per seller, so workers share the load, one seller's
    failure holds up no other, and no single task runs into the time limit as sellers grow."""
    from vibecoder.domain.analytics.rollup import sellers_to_roll_up

    with session_scope() as session:
        seller_ids = sellers_to_roll_up(session=session)
    for seller_id in seller_ids:
        rollup_seller_task.delay(seller_id)
    return len(seller_ids)
