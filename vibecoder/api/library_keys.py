"""GET /api/library/<purchase_id>/key: the buyer's license key, straight to the page's script.

A revealed key must not sit in Reflex state (pickled into Redis, replayed to the client on
every delta), so the library's "Show key" button fetches it here with the HttpOnly session
cookie (assets/library_keys.js) and writes it into the page only. Someone else's purchase,
a disabled key or no session: one 404.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vibecoder.domain.accounts import auth
from vibecoder.domain.commerce.library import key_for_owner
from vibecoder.domain.errors import RateLimited
from vibecoder.infra import ratelimit
from vibecoder.infra.db import session_scope

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _key(token: str | None, purchase_id: int) -> str:
    with session_scope() as session:
        user = auth.user_for_session(session=session, token=token)
        if user is None:
            return ""
        ratelimit.check(
            "key-reveal", str(user.id), limit="60/minute", message="Too many key requests."
        )
        return key_for_owner(session=session, user=user, purchase_id=purchase_id)


async def license_key(request: Request) -> Response:
    purchase_id = request.path_params["purchase_id"]
    if not 0 < purchase_id < 2**63:
        return JSONResponse({"error": "not_found"}, status_code=404, headers=_NO_STORE)
    try:
        key = await run_in_threadpool(_key, request.cookies.get(auth.SESSION_COOKIE), purchase_id)
    except RateLimited as exc:
        return JSONResponse(
            exc.to_dict(), status_code=429, headers={"Retry-After": str(exc.retry_after)}
        )
    if not key:
        return JSONResponse({"error": "not_found"}, status_code=404, headers=_NO_STORE)
    return JSONResponse({"key": key}, headers=_NO_STORE)
