"""The email verification link: a plain GET that verifies and sends the browser to /account.

A route rather than a page, so the token never enters Reflex state (which lives in Redis).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from vibecoder.domain.accounts.email_links import verify_email
from vibecoder.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings


def _verify(token: str) -> str:
    try:
        with session_scope() as session:
            verify_email(session=session, token=token)
    except ServiceError as exc:
        return "email_taken" if exc.code == "email_taken" else "invalid"
    return "verified"


async def verify(request: Request) -> Response:
    outcome = await run_in_threadpool(_verify, request.query_params.get("token", ""))
    response = RedirectResponse(f"{get_settings().public_url}/account?email={outcome}", 303)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
