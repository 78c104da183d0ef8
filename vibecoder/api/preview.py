"""GET /preview/<project>/<version>/: a builder version's page for its owner, under a strict CSP."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from vibecoder.db import session_scope
from vibecoder.services import auth
from vibecoder.services.builder_preview import preview_page
from vibecoder.settings import get_settings

SESSION_COOKIE = "vc_session"  # the cookie vibecoder.state.auth keeps the session token in


def _load(token: str | None, public_id: str, number: int):
    with session_scope() as session:
        user = auth.user_for_session(session=session, token=token)
        if user is None:
            return None
        return preview_page(
            session,
            user_id=user.id,
            public_id=public_id,
            number=number,
            frame_ancestors=get_settings().public_url,
        )


async def preview(request: Request) -> Response:
    public_id = request.path_params["project"]
    number = request.path_params["version"]
    page = None
    if len(public_id) <= 32 and 0 < number < 2**31:
        page = await run_in_threadpool(
            _load, request.cookies.get(SESSION_COOKIE), public_id, number
        )
    if page is None:
        # Signed out, someone else's project or no such version: one indistinguishable answer.
        return JSONResponse(
            {"error": "not_found"}, status_code=404, headers={"Cache-Control": "no-store"}
        )
    return HTMLResponse(
        page.html,
        headers={
            "Content-Security-Policy": page.csp,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
