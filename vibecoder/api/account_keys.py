"""POST /api/account/api-keys: a new API key for the signed-in user, straight to the page's script.

A new key is shown once, and must not sit in Reflex state on the way (state is pickled into
Redis and replayed to the client on every delta), so the account page's form posts here with
the HttpOnly session cookie (assets/account_keys.js) and writes the answer into the page only.
A cookie-authenticated change: only the app's own pages may ask (the Origin header, which a
browser always sends on a cross-origin POST, must be the app's).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.api.bodies import BodyTooLarge, read_capped
from vibecoder.domain.accounts import api_keys, auth
from vibecoder.errors import RateLimited, ServiceError
from vibecoder.infra import ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings
from vibecoder.text_hygiene import has_control_chars

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
MAX_BODY_BYTES = 4 * 1024  # a name and a few scope boxes


def _refused(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": code, "message": message}, status_code=status, headers=_NO_STORE | (headers or {})
    )


def _create(token: str | None, name: str, scopes: list[str]) -> str | None:
    with session_scope() as session:
        user = auth.user_for_session(session=session, token=token) if token else None
        if user is None:
            return None
        ratelimit.check(
            "api-key-create", str(user.id), limit="20/hour", message="Too many new keys; wait."
        )
        plaintext, _ = api_keys.create_api_key(session=session, user=user, name=name, scopes=scopes)
        return plaintext


async def create_api_key(request: Request) -> JSONResponse:
    if request.headers.get("origin") not in get_settings().app_origins:
        return _refused(403, "forbidden", "Create keys on your account page.")
    try:
        raw = await read_capped(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return _refused(413, "payload_too_large", "The request body is too large.")
    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return _refused(422, "invalid_request", "Send the form's fields.")
    name = form.get("name", "")
    if has_control_chars(name):
        return _refused(400, "invalid_characters", "Control characters are not allowed.")
    scopes = [scope for scope in api_keys.SCOPES if form.get(f"scope_{scope}")]
    try:
        key = await run_in_threadpool(
            _create, request.cookies.get(auth.SESSION_COOKIE), name, scopes
        )
    except RateLimited as exc:
        return _refused(429, exc.code, exc.message, {"Retry-After": str(exc.retry_after)})
    except ServiceError as exc:
        return _refused(exc.status_code, exc.code, exc.message)
    if key is None:
        return _refused(401, "signed_out", "Sign in again to create a key.")
    return JSONResponse({"key": key}, headers=_NO_STORE)
