"""GET /api/build/<project>/<version>/zip: one builder version as a streamed zip, owner only."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from vibecoder.api.preview import SESSION_COOKIE
from vibecoder.db import session_scope
from vibecoder.services import auth
from vibecoder.services.archive import build_zip_stream
from vibecoder.services.builder_export import version_zip
from vibecoder.services.storage import get_blob_store


def _load(token: str | None, public_id: str, number: int):
    with session_scope() as session:
        user = auth.user_for_session(session=session, token=token)
        if user is None:
            return None
        return version_zip(session, user_id=user.id, public_id=public_id, number=number)


async def builder_zip(request: Request) -> Response:
    public_id = request.path_params["project"]
    number = request.path_params["version"]
    found = None
    if len(public_id) <= 32 and 0 < number < 2**31:
        found = await run_in_threadpool(
            _load, request.cookies.get(SESSION_COOKIE), public_id, number
        )
    if found is None:
        # Signed out, someone else's project or no such version: one indistinguishable answer.
        return JSONResponse(
            {"error": "not_found"}, status_code=404, headers={"Cache-Control": "no-store"}
        )
    # A sync generator: Starlette pulls it chunk by chunk in a worker thread.
    return StreamingResponse(
        build_zip_stream(found.files, get_blob_store(), root=found.filename.removesuffix(".zip")),
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
