"""Health endpoints for load balancers and operators.

- `/api/health/live`: the process answers; no I/O at all.
- `/api/health/ready` and `/api/health` (same JSON shape as before: db, redis, worker): the
  checks of vibecoder/infra/health.py. A probe runs at most once per `health_cache_seconds` per
  process and concurrent callers share the one in flight, so 200 simultaneous calls cost one
  set of checks and one worker thread, never a pool.
"""

from __future__ import annotations

import asyncio
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.infra.health import health_report
from vibecoder.settings import get_settings


class _SharedProbe:
    def __init__(self) -> None:
        self._result: tuple[dict[str, str], bool] | None = None
        self._at = 0.0
        self._inflight: asyncio.Future | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def get(self) -> tuple[dict[str, str], bool]:
        loop = asyncio.get_running_loop()
        fresh_for = get_settings().health_cache_seconds
        if self._result is not None and time.monotonic() - self._at < fresh_for:
            return self._result
        # A future belongs to the loop that made it (tests build several apps/loops).
        if self._inflight is None or self._inflight.done() or self._loop is not loop:
            self._loop = loop
            self._inflight = asyncio.ensure_future(self._run())
        return await asyncio.shield(self._inflight)

    async def _run(self) -> tuple[dict[str, str], bool]:
        result = await run_in_threadpool(health_report)
        self._result, self._at = result, time.monotonic()
        return result


_probe = _SharedProbe()


async def live(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    report, healthy = await _probe.get()
    return JSONResponse(
        report,
        status_code=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


# The original route keeps its JSON shape for existing monitors.
health = ready
