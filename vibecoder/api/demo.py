"""GET /preview/demo/<slug>/<path>: a web listing's live demo, on the preview origin only.

vibecoder/api/security.py answers /preview/ only on the preview origin (never the app's, never
with the app's session cookie), so the seller's page runs where nothing of the app is reachable.
The policy below sandboxes the document even when opened outside the listing page's iframe:
an opaque origin (no cookies, no storage), scripts and styles from the site itself, no
requests anywhere else, no forms, no plugins, framed only by the app. What is served is
decided by vibecoder/domain/catalog/live_demo.py: published listings that offer a demo, the
latest version's site files, exact paths only.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from vibecoder.api.owned_version import not_found
from vibecoder.domain.catalog.live_demo import DemoFile, demo_file
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings


def demo_policy(frame_ancestors: str) -> str:
    return "; ".join(
        [
            "sandbox allow-scripts",
            "default-src 'none'",
            # The seller's page is untrusted as a whole: inline scripts add nothing it could
            # not do from its own files, and it has no origin, cookie or network to abuse.
            "script-src 'self' 'unsafe-inline' blob:",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            "connect-src 'none'",
            "frame-src 'none'",
            "worker-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            "object-src 'none'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def _load(slug: str, path: str) -> DemoFile | None:
    with session_scope() as session:
        return demo_file(session=session, slug=slug, path=path)


async def demo(request: Request) -> Response:
    found = await run_in_threadpool(_load, request.path_params["slug"], request.path_params["path"])
    if found is None:
        return not_found()
    return Response(
        found.data,
        media_type=found.media_type,
        headers={
            "Content-Security-Policy": demo_policy(" ".join(get_settings().app_origins)),
            # A new version or the seller's switch takes effect on the next load.
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            # The frame's opaque origin asks for module scripts with CORS ("Origin: null").
            "Access-Control-Allow-Origin": "*",
        },
    )
