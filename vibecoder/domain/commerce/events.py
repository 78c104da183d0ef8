"""Storing gateway events once and dispatching their processing.

Every gateway (Stripe by webhook, the test gateway by its own checkout page) feeds the same
internal events: stored once in `processed_webhook_events` (unique per gateway + event id), then
a Celery task calls `process_event`, which applies it through `handlers.apply_event`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from vibecoder.domain.commerce.gateways import parse_event
from vibecoder.domain.commerce.handlers import apply_event
from vibecoder.infra import dispatch
from vibecoder.models.commerce import ProcessedWebhookEvent, WebhookEventStatus
from vibecoder.settings import get_settings

PROCESS_TASK = "workers.payments.process_event"
# An event still unapplied this long after it came in missed its task (the queue was down).


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
        new_id = int(inserted[0])
        dispatch.send(PROCESS_TASK, new_id, session=session)
        return new_id, True
    row_id, status = session.exec(
        select(ProcessedWebhookEvent.id, ProcessedWebhookEvent.status).where(
            ProcessedWebhookEvent.gateway == gateway, ProcessedWebhookEvent.event_id == event_id
        )
    ).one()
    if status == WebhookEventStatus.received:
        # A redelivery of an event we stored but have not applied (say the queue was down
        # when it first came): kick it again. Processing is idempotent, so this is safe.
        dispatch.send(PROCESS_TASK, int(row_id), session=session)
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


def requeue_stuck_events(*, session: Session, now: datetime | None = None) -> int:
    """Queue again (after commit) events stored but never applied; how many."""
    now = now or datetime.now(UTC)
    stuck = session.exec(
        select(ProcessedWebhookEvent.id).where(
            ProcessedWebhookEvent.status == WebhookEventStatus.received,
            ProcessedWebhookEvent.received_at
            < now - timedelta(seconds=get_settings().payments_stuck_after_seconds),
        )
    ).all()
    for row_id in stuck:
        dispatch.send(PROCESS_TASK, int(row_id), session=session)
    return len(stuck)
