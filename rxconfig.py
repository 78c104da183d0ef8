"""Reflex configuration; every value comes from vibecoder.settings (env / .env)."""

import os
import sys

import reflex as rx

from vibecoder.settings import get_settings

settings = get_settings()
_production = settings.environment == "production"
# `reflex run --backend-only` refuses any frontend port (prod-local and compose backends).
_backend_only = "--backend-only" in sys.argv or os.environ.get("REFLEX_BACKEND_ONLY") == "true"

config = rx.Config(
    app_name="vibecoder",
    db_url=os.environ.get("DATABASE_URL") or settings.database_url,
    # Redis holds Reflex state so several backend processes (and restarts) share it.
    redis_url=os.environ.get("REDIS_URL") or settings.redis_url,
    frontend_port=None if _backend_only else settings.frontend_port,
    backend_port=settings.backend_port,
    # Containers listen on every interface; prod-local sets BACKEND_HOST=127.0.0.1 (nginx in front).
    backend_host=os.environ.get("BACKEND_HOST") or ("0.0.0.0" if _production else "127.0.0.1"),
    api_url=os.environ.get("VIBECODER_API_URL", f"http://localhost:{settings.backend_port}"),
    deploy_url=settings.public_url,
    # CORS: only the app's own origin may call the backend with credentials (the default "*"
    # answered any Origin with Allow-Credentials).
    cors_allowed_origins=settings.app_origins,
    # A tab's state lock is held while its event runs. A seller's 50 MB upload is ingested in the
    # low-priority heavy pool (infra/heavy.py) and can take longer than Reflex's 10 s default on
    # a busy machine; the lock only holds back that seller's own tab, so allow a minute.
    redis_lock_expiration=60_000,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                appearance="dark",
                accent_color="violet",
                gray_color="gray",
                radius="medium",
                has_background=True,
            )
        ),
    ],
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
)
