"""GET /preview/<project>/<version>/: a builder version's page for its owner, under a strict CSP."""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from vibecoder.api.owned_version import load_owned_version, not_found
from vibecoder.builder.service.preview import preview_page
from vibecoder.settings import get_settings


async def preview(request: Request) -> Response:
    page = await load_owned_version(
        request, partial(preview_page, frame_ancestors=get_settings().public_url)
    )
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
