"""Tell vibecoder/infra/urls.py which host the browser used, for every Reflex event.

The websocket's Origin header is the page's origin (`http://127.0.0.1:3000`); URLs built while
the event runs (checkout returns, CSV, preview and zip links) then point at that host when the
configured public URL is a `localhost` one.
"""

from __future__ import annotations

import reflex as rx
from reflex.app_mixins.middleware import Middleware

from vibecoder.infra.metrics import EVENTS
from vibecoder.infra.urls import set_request_host


class RequestHostMiddleware(Middleware):
    async def preprocess(self, app: rx.App, state: rx.State, event) -> None:
        headers = (state.router_data or {}).get("headers", {}) or {}
        set_request_host(headers.get("origin") or headers.get("host"))
        # Reflex 0.10 calls no post-hook, so events are counted here (latency: HTTP histogram).
        EVENTS.labels(str(getattr(event, "name", "")).rsplit(".", 1)[-1]).inc()
        return None
