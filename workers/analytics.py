"""Analytics writes, off the request path."""

from __future__ import annotations

from datetime import datetime

from vibecoder.db import session_scope
from vibecoder.services.analytics import record_view
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
