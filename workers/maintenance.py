"""Bookkeeping tasks on the default queue."""

from __future__ import annotations

from vibecoder.domain.accounts import auth
from vibecoder.infra.db import session_scope
from workers.celery_app import app


@app.task(name="workers.maintenance.purge_expired_sessions", acks_late=True)
def purge_expired_sessions() -> int:
    """Delete sessions past expiry or long revoked; idempotent, safe to retry."""
    with session_scope() as session:
        return auth.purge_expired_sessions(session=session)


@app.task(name="workers.maintenance.purge_expired_variations", acks_late=True)
def purge_expired_variations() -> int:
    """Delete listing variations nobody bought once their retention is over; idempotent."""
    from vibecoder.domain.catalog.variations import purge_expired

    with session_scope() as session:
        return purge_expired(session=session)
