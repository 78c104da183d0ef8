"""GET /preview/<project>/<version>/?t=<link token>: a builder version's page, on the preview
origin only (vibecoder/api/security.py refuses it elsewhere), under a strict sandboxing CSP.

The preview origin never receives the app's session cookie, so the owner is proven by the
signed link token the builder page puts in the iframe's src.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from vibecoder.api.owned_version import not_found
from vibecoder.builder.service.preview import PreviewPage, preview_page, verify_preview
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings


def _load(user_id: int, public_id: str, number: int) -> PreviewPage | None:
    with session_scope() as session:
        return preview_page(
            session,
            user_id=user_id,
            public_id=public_id,
            number=number,
            # The app under every name it answers at (localhost and 127.0.0.1 in development).
            frame_ancestors=" ".join(get_settings().app_origins),
        )


async def preview(request: Request) -> Response:
    public_id = request.path_params["project"]
    number = request.path_params["version"]
    if len(public_id) > 32 or not 0 < number < 2**31:
        return not_found()
    user_id = verify_preview(
        public_id=public_id, number=number, token=request.query_params.get("t")
    )
    if user_id is None:
        return not_found()
    page = await run_in_threadpool(_load, user_id, public_id, number)
    if page is None:
        return not_found()
    return HTMLResponse(
        page.html,
        headers={
            "Content-Security-Policy": page.csp,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
