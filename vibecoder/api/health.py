from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.infra.health import health_report


async def health(request: Request) -> JSONResponse:
    report, healthy = await run_in_threadpool(health_report)
    return JSONResponse(report, status_code=200 if healthy else 503)
