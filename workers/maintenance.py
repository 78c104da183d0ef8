"""Bookkeeping tasks on the default queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_

from vibecoder.infra.db import session_scope
from vibecoder.models.users import UserSession
from workers.celery_app import app

# Revoked sessions are kept a while so "signed out elsewhere" stays explainable in support.
REVOKED_SESSION_RETENTION = timedelta(days=7)


@app.task(name="workers.maintenance.purge_expired_sessions", acks_late=True)
def purge_expired_sessions() -> int:
    """Delete sessions past expiry or long revoked; idempotent, safe to retry."""
    now = datetime.now(UTC)
    with session_scope() as session:
        result = session.exec(
            delete(UserSession).where(
                or_(
                    UserSession.expires_at < now,
                    UserSession.revoked_at < now - REVOKED_SESSION_RETENTION,
                )
            )
        )
        return int(result.rowcount or 0)
