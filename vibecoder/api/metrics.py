"""`/metrics` of a backend: its own request/event metrics plus the Celery queue depths."""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

_lock = threading.Lock()
_registered = False


def _ensure_queue_collector() -> None:
    global _registered
    with _lock:
        if _registered:
            return
        from prometheus_client import REGISTRY

        from vibecoder.infra.metrics import CELERY_QUEUES, QueueDepthCollector

        REGISTRY.register(QueueDepthCollector(CELERY_QUEUES))
        _registered = True


async def metrics(request: Request) -> Response:
    from vibecoder.infra.metrics import render

    _ensure_queue_collector()
    body, content_type = await run_in_threadpool(render)  # the queue depths ask Redis
    return Response(body, media_type=content_type)
