from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vibecoder.domain.catalog.covers import cover_for_serving
from vibecoder.infra.db import session_scope


def _load(sha256: str):
    with session_scope() as session:
        return cover_for_serving(session=session, sha256=sha256)


async def cover(request: Request) -> Response:
    found = await run_in_threadpool(_load, request.path_params["sha256"])
    if found is None:
        return JSONResponse({"error": "not_found"}, status_code=404)
    data, mime = found
    # Content-addressed: the URL changes whenever the image does, so cache it for good.
    return Response(
        data,
        media_type=mime,
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
