"""POST /api/webhooks/stripe: verify, store once, queue, answer. The work happens in Celery.

Nothing is stored for a request whose Stripe-Signature does not verify over the raw body
(400). A verified event is inserted into processed_webhook_events under a unique event id; a
duplicate or replay (inside the 5-minute tolerance) hits that constraint and changes nothing.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.api.bodies import BodyTooLarge, read_capped
from vibecoder.domain.commerce.events import record_event
from vibecoder.domain.commerce.gateways.stripe import HANDLED_EVENT_TYPES, verify_signature
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 512 * 1024


def _store(event: dict) -> tuple[int, bool]:
    with session_scope() as session:
        return record_event(
            session=session,
            gateway="stripe",
            event_id=str(event["id"]),
            event_type=str(event["type"]),
            payload=event,
        )


async def stripe_webhook(request: Request) -> JSONResponse:
    try:
        body = await read_capped(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return JSONResponse({"error": "payload_too_large"}, status_code=413)
    settings = get_settings()
    if not settings.stripe_webhook_secrets:
        log.warning("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
    if not verify_signature(
        payload=body,
        header=request.headers.get("stripe-signature"),
        secrets=settings.stripe_webhook_secrets,
        tolerance=settings.stripe_webhook_tolerance_seconds,
        now=time.time(),
    ):
        return JSONResponse({"error": "invalid_signature"}, status_code=400)
    try:
        event = json.loads(body)
    except ValueError:
        return JSONResponse({"error": "invalid_payload"}, status_code=400)
    if (
        not isinstance(event, dict)
        or event.get("object") != "event"
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
    ):
        return JSONResponse({"error": "invalid_payload"}, status_code=400)
    if event["type"] not in HANDLED_EVENT_TYPES:
        return JSONResponse({"received": True, "ignored": True})
    _, created = await run_in_threadpool(_store, event)
    return JSONResponse({"received": True, "duplicate": not created})
