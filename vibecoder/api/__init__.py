"""Plain HTTP routes beside Reflex's websocket: health, webhooks, downloads, preview; and the
public API v1 (vibecoder/api/v1, FastAPI) mounted at /api/v1."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route

from vibecoder.api.account import verify as verify_email
from vibecoder.api.account_keys import create_api_key
from vibecoder.api.builder_zip import builder_zip
from vibecoder.api.checkout import dummy_checkout_page, dummy_checkout_pay
from vibecoder.api.covers import cover
from vibecoder.api.demo import demo
from vibecoder.api.downloads import download
from vibecoder.api.exports import export_csv
from vibecoder.api.health import health, live, ready
from vibecoder.api.library_keys import license_key
from vibecoder.api.metrics import metrics
from vibecoder.api.middleware import RequestContextMiddleware
from vibecoder.api.preview import preview
from vibecoder.api.search import search
from vibecoder.api.session import signin, signout, signup
from vibecoder.api.variation_zip import variation_zip
from vibecoder.api.webhooks import stripe_webhook
from vibecoder.infra.outages import BACKING_SERVICE_ERRORS, unavailable_response
from vibecoder.settings import get_settings

ROUTES: list[Route] = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/health/live", live, methods=["GET"]),
    Route("/api/health/ready", ready, methods=["GET"]),
    # Prometheus scrapes each backend directly; nginx does not proxy /metrics to the public.
    Route("/metrics", metrics, methods=["GET"]),
    Route("/api/covers/{sha256:str}", cover, methods=["GET"]),
    Route("/api/search", search, methods=["GET"]),
    Route("/api/account/verify", verify_email, methods=["GET"]),
    # A web listing's live demo (before the builder's route: "demo" is no project id).
    Route("/preview/demo/{slug:str}/{path:path}", demo, methods=["GET"]),
    # The builder's sandboxed preview: one version's page, for its owner only.
    Route("/preview/{project:str}/{version:int}/", preview, methods=["GET"]),
    Route("/api/build/{project:str}/{version:int}/zip", builder_zip, methods=["GET"]),
    # A listing variation's files: its visitor's, once they bought the listing.
    Route("/api/variations/{variation:str}/zip", variation_zip, methods=["GET"]),
]
# Commerce: Stripe webhooks, signed downloads, the dummy gateway's checkout.
ROUTES += [
    Route("/api/webhooks/stripe", stripe_webhook, methods=["POST"]),
    Route("/api/downloads/{purchase_id:int}/{version_id:int}", download, methods=["GET"]),
    # The library's "Show key": the key goes to the page's script, never into Reflex state.
    Route("/api/library/{purchase_id:int}/key", license_key, methods=["GET"]),
    # A new API key likewise goes to the account page's script only.
    Route("/api/account/api-keys", create_api_key, methods=["POST"]),
]
# The session cookie is set and cleared only here (HttpOnly, by a server response).
ROUTES += [
    Route("/api/auth/signin", signin, methods=["POST"]),
    Route("/api/auth/signup", signup, methods=["POST"]),
    Route("/api/auth/signout", signout, methods=["GET", "POST"]),
]
# The test gateway's pay page: never mounted where test payments are not allowed.
TEST_CHECKOUT_ROUTES = [
    Route("/api/checkout/dummy/{session_ref}", dummy_checkout_page, methods=["GET"]),
    Route("/api/checkout/dummy/{session_ref}", dummy_checkout_pay, methods=["POST"]),
]

# Seller analytics: CSV exports of the signed-in seller's sales and ledger.
ROUTES += [Route("/api/exports/{kind:str}.csv", export_csv, methods=["GET"])]


def build_api() -> Starlette:
    from vibecoder.api.v1 import PREFIX, create_app

    routes = list(ROUTES)
    if get_settings().test_checkout_enabled:
        routes += TEST_CHECKOUT_ROUTES
    public_api = Mount(PREFIX, app=create_app())
    # Starlette's mount pattern (`.*`) stops at a newline: a path such as /api/v1/runs/%0A
    # would miss the API and get a plain-text 404. Every /api/v1 path reaches the API, which
    # answers in its own problem+json.
    public_api.path_regex = re.compile(public_api.path_regex.pattern, re.DOTALL)
    return Starlette(
        # The public API (FastAPI, OpenAPI 3.1) incl. the license API at /api/v1/licenses/...
        routes=[*routes, public_api],
        middleware=[Middleware(RequestContextMiddleware)],
        # A database or Redis restarting: a clear 503 with Retry-After, never a 500.
        exception_handlers=dict.fromkeys(BACKING_SERVICE_ERRORS, unavailable_response),
    )
