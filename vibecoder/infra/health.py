"""Readiness of the parts the app needs (database, Redis, a live Celery worker) and what it can do.

Each check has its own small client with short timeouts, so a probe never borrows (or leaks)
a connection the request handlers need, and a dead server answers "error" within the timeout
instead of hanging the caller. Workers are judged by their Redis heartbeats
(vibecoder/infra/heartbeat.py), never by a broadcast ping. Capabilities (sandbox, renderer,
bundler, embedding model) are added by the route (api/health.py, builder/capabilities.py).
"""

from __future__ import annotations

import functools

import redis
from sqlalchemy import Engine, create_engine, text

from vibecoder.settings import get_settings


@functools.lru_cache
def _probe_engine() -> Engine:
    from vibecoder.infra.db import database_url

    timeout = get_settings().health_check_timeout_seconds
    # One connection, no overflow: the probe is single-flight per process (api/health.py).
    return create_engine(
        database_url(),
        pool_size=1,
        max_overflow=0,
        pool_timeout=timeout,
        pool_pre_ping=True,
        connect_args={"connect_timeout": max(1, int(timeout))},
    )


@functools.lru_cache
def _probe_redis() -> redis.Redis:
    import redis

    from vibecoder.infra.redis_client import redis_url

    timeout = get_settings().health_check_timeout_seconds
    return redis.Redis.from_url(
        redis_url(),
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        max_connections=2,
    )


def reset_probes() -> None:
    if _probe_engine.cache_info().currsize:
        _probe_engine().dispose()
    _probe_engine.cache_clear()
    _probe_redis.cache_clear()


def check_database() -> str:
    try:
        with _probe_engine().connect() as conn:
            conn.execute(text("select 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok", named below
        return f"error: {type(exc).__name__}"


def check_redis() -> str:
    try:
        _probe_redis().ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"


def check_worker() -> str:
    from vibecoder.infra.heartbeat import live_workers

    window = get_settings().health_worker_stale_seconds
    try:
        if live_workers(_probe_redis(), within_seconds=window):
            return "ok"
        return f"error: no worker heartbeat in the last {window:g}s"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"


def health_report() -> tuple[dict[str, str], bool]:
    """{"db", "redis", "worker": "ok" | "error: …"} and whether all three are ok."""
    redis_state = check_redis()
    report: dict[str, str] = {
        "db": check_database(),
        "redis": redis_state,
        # Without Redis there is no heartbeat to read; say so once instead of a second timeout.
        "worker": check_worker() if redis_state == "ok" else "error: redis unavailable",
    }
    return report, all(value == "ok" for value in report.values())
