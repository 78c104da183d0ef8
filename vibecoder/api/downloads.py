"""GET /api/downloads/<purchase>/<version>?u=&exp=&sig=: a signed, re-checked, streamed zip."""

from __future__ import annotations

import time
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from vibecoder.domain.commerce import downloads
from vibecoder.errors import ServiceError
from vibecoder.infra.db import session_scope


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def _open(purchase_id: int, version_id: int, user_id: int, expires: int, sig: str):
    with session_scope() as session:
        return downloads.open_download(
            session=session,
            user_id=user_id,
            purchase_id=purchase_id,
            version_id=version_id,
            expires=expires,
            signature=sig,
            now=time.time(),
        )


async def download(request: Request) -> Response:
    params = request.query_params
    user_id, expires = _int(params.get("u")), _int(params.get("exp"))
    sig = params.get("sig", "")
    if user_id is None or expires is None or not sig:
        return JSONResponse(
            {"error": "invalid_signature", "message": "This download link is not valid."},
            status_code=403,
        )
    try:
        plan = await run_in_threadpool(
            _open,
            request.path_params["purchase_id"],
            request.path_params["version_id"],
            user_id,
            expires,
            sig,
        )
    except ServiceError as exc:
        return JSONResponse(exc.to_dict(), status_code=exc.status_code)
    # A sync generator: Starlette pulls it chunk by chunk in a worker thread.
    return StreamingResponse(
        plan.stream(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(plan.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
