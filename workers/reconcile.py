"""Beat: finish gateway calls that got no answer (vibecoder/domain/commerce/reconcile.py)."""

from __future__ import annotations

import logging

from vibecoder.domain.commerce import ledger, reconcile
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.settings import get_settings
from workers.celery_app import app

log = logging.getLogger(__name__)


@app.task(name="workers.reconcile.gateway_calls", ignore_result=True)
def reconcile_gateway_calls() -> dict[str, int]:
    settings = get_settings()
    with session_scope() as session:
        stale = reconcile.stale_processing_payouts(
            session=session, older_than_seconds=settings.payments_stuck_after_seconds
        )
    payouts = 0
    for payout_id in stale:
        # One transaction per payout: settle_payout locks its row and reuses its key.
        with session_scope() as session:
            payout = ledger.settle_payout(session=session, payout_id=payout_id)
            payouts += payout.status != "processing"
    refunds = 0
    client = get_redis()
    for purchase_id, actor_id in reconcile.pending_refunds(client).items():
        with session_scope() as session:
            outcome = reconcile.retry_refund(
                session=session, client=client, purchase_id=purchase_id, actor_id=actor_id
            )
        log.info("pending refund of order %s: %s", purchase_id, outcome)
        refunds += outcome != "still_pending"
    return {"payouts_settled": payouts, "refunds_settled": refunds}


app.conf.beat_schedule["reconcile-gateway-calls"] = {
    "task": "workers.reconcile.gateway_calls",
    "schedule": get_settings().payments_sweep_seconds,
}
