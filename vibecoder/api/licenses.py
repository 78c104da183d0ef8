"""The license API (/api/v1/licenses/...), shaped like Lemon Squeezy's.

Accepts JSON or form-encoded bodies. Every answer is JSON; failures carry a stable `error` code
and a sentence in `message`, never a stack trace. Rate limited per key and per client IP.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from vibecoder.domain.commerce import licensing
from vibecoder.domain.errors import RateLimited, ServiceError
from vibecoder.infra import outages, ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.infra.outages import BACKING_SERVICE_ERRORS
from vibecoder.infra.redis_client import get_redis
from vibecoder.settings import get_settings

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60

# action → (its success flag in the response, the service call)
ACTIONS: dict[str, tuple[str, Callable[..., dict[str, Any]]]] = {
    "activate": (
        "activated",
        lambda session, data: licensing.activate(
            session=session,
            license_key=data.get("license_key"),
            instance_name=data.get("instance_name"),
        ),
    ),
    "validate": (
        "valid",
        lambda session, data: licensing.validate(
            session=session,
            license_key=data.get("license_key"),
            instance_id=data.get("instance_id"),
        ),
    ),
    "deactivate": (
        "deactivated",
        lambda session, data: licensing.deactivate(
            session=session,
            license_key=data.get("license_key"),
            instance_id=data.get("instance_id"),
        ),
    ),
    "increment-usage": (
        "success",
        lambda session, data: licensing.increment_usage(
            session=session,
            license_key=data.get("license_key"),
            quantity=data.get("quantity", 1),
        ),
    ),
}


def _check_rate(key: Any, ip: str) -> None:
    settings = get_settings()
    client = get_redis()
    limits = [(f"lic:ip:{ip}", settings.license_api_per_ip_per_minute)]
    if isinstance(key, str) and key:
        digest = hashlib.sha256((licensing.normalize_key(key) or key[:200]).encode()).hexdigest()
        limits.append((f"lic:key:{digest[:32]}", settings.license_api_per_key_per_minute))
    for bucket, limit in limits:
        if ratelimit.hit(client, bucket, window_seconds=WINDOW_SECONDS) > limit:
            raise RateLimited(
                "rate_limited",
                "Too many license requests; slow down.",
                retry_after=ratelimit.retry_after(client, bucket),
            )


def _run(action: str, data: dict[str, Any], ip: str) -> dict[str, Any]:
    _check_rate(data.get("license_key"), ip)
    _, call = ACTIONS[action]
    with session_scope() as session:
        return call(session, data)


def _failure(flag: str, code: str, message: str, status: int, headers=None) -> JSONResponse:
    return JSONResponse(
        {
            flag: False,
            "error": code,
            "message": message,
            "license_key": None,
            "instance": None,
            "meta": None,
        },
        status_code=status,
        headers=headers,
    )


async def _read(request: Request) -> dict[str, Any] | None:
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            data = await request.json()
            return data if isinstance(data, dict) else None
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    except Exception:  # malformed JSON or form: the client's mistake, not ours
        return None


def _endpoint(action: str):
    flag = ACTIONS[action][0]

    async def handle(request: Request) -> JSONResponse:
        data = await _read(request)
        if data is None:
            return _failure(flag, "invalid_request", "Send a JSON object or form fields.", 422)
        ip = request.client.host if request.client else "unknown"
        try:
            return JSONResponse(await run_in_threadpool(_run, action, data, ip))
        except RateLimited as exc:
            return _failure(
                flag, exc.code, exc.message, 429, headers={"Retry-After": str(exc.retry_after)}
            )
        except ServiceError as exc:
            return _failure(flag, exc.code, exc.message, exc.status_code)
        except BACKING_SERVICE_ERRORS:
            return _failure(
                flag,
                "service_unavailable",
                outages.MESSAGE,
                503,
                headers={"Retry-After": str(outages.RETRY_AFTER_SECONDS)},
            )
        except Exception:
            log.exception("license API %s failed", action)
            return _failure(flag, "internal_error", "Something went wrong; try again.", 500)

    handle.__name__ = f"license_{action.replace('-', '_')}"
    return handle


LICENSE_ROUTES = [
    Route(f"/api/v1/licenses/{action}", _endpoint(action), methods=["POST"]) for action in ACTIONS
]
