"""Plain HTTP routes beside Reflex's websocket: health, webhooks, licenses, downloads, preview."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from vibecoder.api.covers import cover
from vibecoder.api.health import health
from vibecoder.api.search import search

ROUTES: list[Route] = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/covers/{sha256:str}", cover, methods=["GET"]),
    Route("/api/search", search, methods=["GET"]),
]


def build_api() -> Starlette:
    return Starlette(routes=list(ROUTES))
