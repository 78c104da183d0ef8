"""The license API (/api/v1/licenses/...), shaped like Lemon Squeezy's; served and documented
by the /api/v1 FastAPI app (vibecoder/api/v1/licenses.py).

Accepts JSON or form-encoded bodies. Every answer is JSON; failures carry a stable `error` code
and a sentence in `message`, never a stack trace. Rate limited per key and per client IP.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.api.bodies import BodyTooLarge, read_capped
from vibecoder.domain.commerce import license_cache, licensing
from vibecoder.errors import RateLimited, ServiceError
from vibecoder.infra import outages, ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.infra.outages import BACKING_SERVICE_ERRORS
from vibecoder.settings import get_settings
from vibecoder.text_hygiene import has_control_chars

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


async def _check_rate(key: Any, ip: str) -> None:
    """Per address and per key: one customer's busy key cannot spend another's budget.
    Awaited on the event loop (async Redis), so a cached answer needs no worker thread."""
    settings = get_settings()
    message = "Too many license requests; slow down."
    await ratelimit.check_async(
        "license-ip", ip, limit=f"{settings.license_api_per_ip_per_minute}/minute", message=message
    )
    if isinstance(key, str) and key:
        digest = hashlib.sha256((licensing.normalize_key(key) or key[:200]).encode()).hexdigest()
        await ratelimit.check_async(
            "license-key",
            digest[:32],
            limit=f"{settings.license_api_per_key_per_minute}/minute",
            message=message,
        )


def _validate_slot(action: str, data: dict[str, Any]) -> tuple[str, str, str] | None:
    """(normalized key, its hash, instance id) when this is a validate the answer cache can
    serve; computed once per request, for the loop's lookup and the thread's alike."""
    raw, instance = data.get("license_key"), data.get("instance_id")
    key = licensing.normalize_key(raw) if isinstance(raw, str) else ""
    if action == "validate" and key and (instance is None or isinstance(instance, str)):
        return key, licensing.hash_key(key), instance or ""
    return None


def _cached(slot: tuple[str, str, str] | None) -> dict[str, Any] | None:
    """The hot path, on the loop: apps validate the same keys again and again, and a live
    cached answer is a dict lookup (no thread, no database)."""
    if slot is None:
        return None
    key, key_hash, instance = slot
    return license_cache.cached_answer(key_hash=key_hash, key=key, instance_id=instance)


def _run(action: str, data: dict[str, Any], slot: tuple[str, str, str] | None) -> dict[str, Any]:
    """In a worker thread: the service call (a validate through the cache's single flight)."""
    _, call = ACTIONS[action]

    def compute() -> dict[str, Any]:
        with session_scope() as session:
            return call(session, data)

    if slot is not None:
        key, key_hash, instance = slot
        # Answers live <= license_cache_seconds; one thread per key looks a missing one up.
        return license_cache.cached_validate(
            key_hash=key_hash, key=key, instance_id=instance, compute=compute
        )
    return compute()


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


# A license call is a key and a few fields: 16 KB is generous, and nothing bigger is read.
MAX_BODY_BYTES = 16 * 1024


async def _read(request: Request) -> dict[str, Any] | None:
    raw = await read_capped(request, MAX_BODY_BYTES)  # BodyTooLarge: a 413 in handle()
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            data = json.loads(raw)
            return data if isinstance(data, dict) else None
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except ValueError:  # malformed JSON or form: the client's mistake, not ours
        return None


def _has_control_chars(data: dict[str, Any]) -> bool:
    return any(isinstance(v, str) and has_control_chars(v) for v in (*data, *data.values()))


def license_handler(action: str):
    flag = ACTIONS[action][0]

    async def handle(request: Request) -> JSONResponse:
        try:
            data = await _read(request)
        except BodyTooLarge:
            return _failure(flag, "payload_too_large", "The request body is too large.", 413)
        if data is None:
            return _failure(flag, "invalid_request", "Send a JSON object or form fields.", 422)
        if _has_control_chars(data):
            return _failure(flag, "invalid_characters", "Control characters are not allowed.", 400)
        ip = request.client.host if request.client else "unknown"
        try:
            await _check_rate(data.get("license_key"), ip)
            slot = _validate_slot(action, data)
            answer = _cached(slot)
            if answer is None:
                answer = await run_in_threadpool(_run, action, data, slot)
            return JSONResponse(answer)
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
