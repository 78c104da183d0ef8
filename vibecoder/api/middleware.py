"""One plain ASGI middleware around every HTTP request of a backend (not BaseHTTPMiddleware,
which would buffer streaming downloads): the request id (from nginx's X-Request-ID, echoed
back), the request's host for vibecoder/infra/urls.py, and the latency histogram."""

from __future__ import annotations

import time

from vibecoder.infra.metrics import HTTP_REQUESTS
from vibecoder.infra.observability import new_request_id, reset_request_id, set_request_id
from vibecoder.infra.urls import serving


def _route_label(scope) -> str:
    endpoint = scope.get("endpoint")
    if endpoint is not None:
        return getattr(endpoint, "__name__", "endpoint")
    path = scope.get("path", "")
    # Reflex's own routes (/ping, /_upload, /_health …); never the raw path (unbounded labels).
    return "reflex" if path.startswith("/_") or path == "/ping" else "unmatched"


class RequestContextMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        request_id = new_request_id(headers.get(b"x-request-id", b"").decode("latin-1"))
        status = [500]

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            with serving(headers.get(b"host", b"").decode("latin-1")):
                await self.app(scope, receive, send_with_id)
        finally:
            if scope.get("path") != "/metrics":
                HTTP_REQUESTS.labels(
                    _route_label(scope), scope.get("method", ""), str(status[0])
                ).observe(time.perf_counter() - started)
            reset_request_id(token)
