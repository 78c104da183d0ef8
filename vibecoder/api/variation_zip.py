"""GET /api/variations/<variation>/zip: a listing variation's files, for the visitor who made it
and only once they bought the listing.

Signed out, someone else's variation or none at all: the same 404. The visitor's own variation
before the purchase: 403 with the reason (they know it exists; the code stays locked).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from vibecoder.api.owned_version import not_found
from vibecoder.builder.service.export import VersionZip
from vibecoder.builder.service.variations import variation_zip as load_zip
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog.archive import build_zip_stream
from vibecoder.errors import NotFound, PermissionDenied
from vibecoder.infra.db import session_scope
from vibecoder.infra.storage import get_blob_store


def _load(token: str | None, public_id: str) -> VersionZip | PermissionDenied | None:
    with session_scope() as session:
        user = auth.user_for_session(session=session, token=token)
        if user is None:
            return None
        try:
            return load_zip(session, user_id=user.id, public_id=public_id)
        except NotFound:
            return None
        except PermissionDenied as exc:
            return exc


async def variation_zip(request: Request) -> Response:
    public_id = request.path_params["variation"]
    if len(public_id) > 32:
        return not_found()
    found = await run_in_threadpool(_load, request.cookies.get(auth.SESSION_COOKIE), public_id)
    if found is None:
        return not_found()
    if isinstance(found, PermissionDenied):
        return JSONResponse(
            {"error": found.code, "message": found.message},
            status_code=403,
            headers={"Cache-Control": "no-store"},
        )
    return StreamingResponse(
        build_zip_stream(found.files, get_blob_store(), root=found.filename.removesuffix(".zip")),
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
