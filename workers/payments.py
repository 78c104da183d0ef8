"""Commerce work off the request path: apply payment events, send emails, notices, payouts.

Everything here is idempotent, so Celery's at-least-once delivery (acks_late, redelivery of a
killed worker's task) is safe: events are applied under a row lock and marked processed,
emails are marked sent, notices are unique per user.
"""

from __future__ import annotations

import logging
import smtplib

from vibecoder.domain.accounts import notifications
from vibecoder.domain.commerce import checkout, events, ledger
from vibecoder.infra.db import session_scope
from workers.celery_app import app

log = logging.getLogger(__name__)
MAX_EVENT_RETRIES = 12


@app.task(
    name="workers.payments.process_event",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=MAX_EVENT_RETRIES,
)
def process_payment_event(self, event_row_id: int) -> str | None:
    try:
        with session_scope() as session:
            return events.process_event(session=session, event_row_id=event_row_id)
    except Exception as exc:  # NotReady (out of order) or a transient database error
        if self.request.retries >= self.max_retries:
            log.error("payment event %s gave up: %s", event_row_id, exc)
            with session_scope() as session:
                events.mark_event_failed(
                    session=session,
                    event_row_id=event_row_id,
                    error=f"{type(exc).__name__}: {exc}",
                    attempts=self.request.retries + 1,
                )
            return None
        # 0.25 s, 0.5 s, 1 s ... capped at 30 s: about three minutes in all.
        raise self.retry(countdown=min(0.25 * 2**self.request.retries, 30.0), exc=exc) from exc


@app.task(
    name="workers.payments.send_notification_email",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def send_notification_email(notification_id: int) -> None:
    with session_scope() as session:
        notifications.send_notification_email(session=session, notification_id=notification_id)


@app.task(name="workers.payments.notify_new_version", acks_late=True, ignore_result=True)
def notify_new_version_task(version_id: int) -> int:
    with session_scope() as session:
        return notifications.notify_new_version(session=session, version_id=version_id)


@app.task(name="workers.payments.settle_payout", acks_late=True, ignore_result=True)
def settle_payout_task(payout_id: int) -> None:
    with session_scope() as session:
        ledger.settle_payout(session=session, payout_id=payout_id)


@app.task(name="workers.payments.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    """Re-queue events stored but never applied (the queue was down, or a worker was killed
    mid-fulfilment and rolled back) and close stale checkouts."""
    with session_scope() as session:
        requeued = events.requeue_stuck_events(session=session)
        closed = checkout.close_stale_attempts(session=session)
    return {"requeued": requeued, "expired_checkouts": closed}
