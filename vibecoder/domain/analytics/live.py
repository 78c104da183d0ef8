"""Live dashboard updates: a sale, refund or review is announced on the seller's Redis channel.

Open dashboards subscribe (vibecoder/state/dashboard.py) and reload their numbers. Publishing
happens after commit, so a dashboard never re-reads before the row is visible, and a failed
publish only costs liveness: the numbers are right on the next load anyway.
"""

from __future__ import annotations

import json
import logging

from sqlmodel import Session

from vibecoder.infra.deferred import after_commit

CHANNEL = "analytics:seller:{seller_id}"
log = logging.getLogger(__name__)


def channel(seller_id: int) -> str:
    return CHANNEL.format(seller_id=int(seller_id))


def publish_after_commit(
    session: Session, *, seller_id: int | None, kind: str, listing_id: int | None
) -> None:
    if seller_id is None:
        return

    def publish() -> None:
        from vibecoder.infra.redis_client import get_redis

        try:
            get_redis().publish(
                channel(seller_id), json.dumps({"kind": kind, "listing_id": listing_id})
            )
        except Exception:  # noqa: BLE001 - liveness only; the data is already committed
            log.warning("could not announce %s to seller %s", kind, seller_id, exc_info=True)

    after_commit(session, publish)
