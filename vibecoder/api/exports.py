"""GET /api/exports/sales.csv and /api/exports/ledger.csv: the signed-in seller's own data.

The session cookie decides whose data it is; there is no seller id in the URL to tamper with.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from vibecoder.domain.accounts import auth
from vibecoder.domain.commerce import exports
from vibecoder.errors import ServiceError
from vibecoder.infra.db import session_scope

KINDS = {"sales": exports.sales_csv, "ledger": exports.ledger_csv}


def _seller_id(token: str | None) -> int:
    with session_scope() as session:
        user = auth.user_for_session(session=session, token=token) if token else None
        return exports.require_exporter(user).id


async def export_csv(request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind not in KINDS:
        return JSONResponse({"error": "not_found"}, status_code=404)
    try:
        seller_id = await run_in_threadpool(_seller_id, request.cookies.get(auth.SESSION_COOKIE))
    except ServiceError as exc:
        status = 401 if exc.code == "signed_out" else exc.status_code
        return JSONResponse(exc.to_dict(), status_code=status)
    filename = f"vibecoder-{kind}-{datetime.now(UTC):%Y%m%d}.csv"
    return StreamingResponse(
        KINDS[kind](seller_id=seller_id),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
