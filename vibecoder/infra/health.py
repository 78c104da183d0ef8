"""Liveness of the parts the app needs (database, Redis, a Celery worker) and what it can do."""

from __future__ import annotations

from sqlalchemy import text

WORKER_PING_TIMEOUT_SECONDS = 2.0


def check_database() -> str:
    from vibecoder.infra.db import get_engine

    try:
        with get_engine().connect() as conn:
            conn.execute(text("select 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok", named below
        return f"error: {type(exc).__name__}"


def check_redis() -> str:
    from vibecoder.infra.redis_client import get_redis

    try:
        get_redis().ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"


def check_worker() -> str:
    try:
        from vibecoder.infra.celery_app import app

        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS)
        return "ok" if replies else "error: no worker answered within 2s"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"


def health_report() -> tuple[dict, bool]:
    """{"db", "redis", "worker": "ok" | "error: …", "capabilities": {name: {available, reason}}}.

    Healthy (HTTP 200) depends on db, redis and worker only: a server without Chromium or
    bubblewrap still serves the marketplace, and says so in `capabilities` (see infra/capabilities).
    """
    from vibecoder.infra.capabilities import as_json, capabilities

    report: dict = {"db": check_database(), "redis": check_redis(), "worker": check_worker()}
    healthy = all(value == "ok" for value in report.values())
    report["capabilities"] = as_json(capabilities())
    return report, healthy
