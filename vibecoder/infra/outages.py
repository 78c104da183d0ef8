"""A database or Redis that is briefly away (restart, failover) is a clear 503, not a 500.

Pools re-check connections (pool_pre_ping, redis-py reconnects), so nothing needs restarting:
the next request after the server is back succeeds.
"""

from __future__ import annotations

import logging

import psycopg
import redis
from sqlalchemy import exc as sa_exc
from starlette.requests import Request
from starlette.responses import JSONResponse

log = logging.getLogger(__name__)

BACKING_SERVICE_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    psycopg.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
)
RETRY_AFTER_SECONDS = 5
MESSAGE = "The service is briefly unavailable (a database is restarting); try again in a moment."


def unavailable_response(request: Request, exc: BaseException) -> JSONResponse:
    log.warning("503 for %s: %s", request.url.path, type(exc).__name__)
    return JSONResponse(
        {"error": "service_unavailable", "message": MESSAGE},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
