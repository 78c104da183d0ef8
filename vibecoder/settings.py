"""Every knob of VibeCoder in one pydantic-settings class, read from the environment and `.env`.

Most variables are prefixed `VIBECODER_`; the ones other tools already know by name
(DATABASE_URL, REDIS_URL, FRONTEND_PORT, BACKEND_PORT, STRIPE_*, ANTHROPIC_API_KEY, OPENAI_*)
are read under those names.
"""

from __future__ import annotations

import functools
import ipaddress
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET_KEY = "dev-insecure-change-me"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="VIBECODER_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    environment: Literal["development", "test", "production"] = "development"
    secret_key: str = PLACEHOLDER_SECRET_KEY
    data_dir: Path = Field(default=PROJECT_ROOT / "data")

    # External servers; when unset the embedded ones in data_dir are used.
    database_url: str | None = Field(default=None, validation_alias=_alias("DATABASE_URL"))
    redis_url: str | None = Field(default=None, validation_alias=_alias("REDIS_URL"))

    frontend_port: int = Field(default=3000, validation_alias=_alias("FRONTEND_PORT"))
    backend_port: int = Field(default=8000, validation_alias=_alias("BACKEND_PORT"))
    # Public address of the app, used in emails, Stripe return URLs and preview CSP.
    app_url: str = Field(default="", validation_alias=_alias("VIBECODER_APP_URL", "APP_URL"))
    # Public address of the HTTP API (/api/...): the same origin behind nginx in production,
    # the backend port in development. Rxconfig reads the same variable.
    api_url: str = Field(default="", validation_alias=_alias("VIBECODER_API_URL"))

    # Health: workers write a heartbeat every `worker_heartbeat_seconds`; readiness wants one
    # seen within `health_worker_stale_seconds`; a probe result is reused this long per process
    # so a burst of load-balancer calls costs one round of checks.
    worker_heartbeat_seconds: float = 5.0
    health_worker_stale_seconds: float = 30.0
    health_cache_seconds: float = 1.0
    health_check_timeout_seconds: float = 2.0

    # Observability: Sentry when set (nothing is sent otherwise); log format "json" or "text"
    # (default: json in production); workers serve /metrics on this port when non-zero.
    sentry_dsn: str | None = Field(default=None, validation_alias=_alias("SENTRY_DSN"))
    log_format: Literal["", "json", "text"] = ""
    metrics_port: int = 0

    # Where builder previews are served: a separate origin, so generated code never runs in the
    # app's. Development default: the backend on 127.0.0.1 (another host than the app's
    # localhost, so the app's cookies are not even sent). Production: a separate registrable
    # domain (e.g. https://vibecoder-preview.net), proxied to the backend's /preview.
    preview_url: str = Field(default="", validation_alias=_alias("VIBECODER_PREVIEW_URL"))
    preview_link_ttl_seconds: int = 12 * 3600

    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR
    # networks), and how many of them stand in front of the app. A peer outside this list is
    # the client, whatever headers it sends.
    trusted_proxies: str = ""
    trusted_proxy_hops: int = 1

    # Auth
    session_ttl_hours: int = 24 * 14
    min_password_length: int = 10
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    login_lockout_seconds: int = 15 * 60
    signups_per_ip_per_hour: int = 20
    password_changes_per_user_per_hour: int = 10
    search_per_ip_per_minute: int = 120
    reviews_per_user_per_hour: int = 30
    reports_per_user_per_hour: int = 20

    # Blob storage for listing files and builder bundles
    blob_backend: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None

    # Uploads
    max_upload_bytes: int = 50 * 1024 * 1024
    max_file_bytes: int = 5 * 1024 * 1024
    max_archive_files: int = 2000
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_compression_ratio: int = 100
    code_viewer_max_bytes: int = 200 * 1024

    # Search
    embedding_model: str = "all-MiniLM-L6-v2"
    query_embedding_ttl_seconds: int = 24 * 3600
    torch_threads: int = 2
    # The embedding runtime (domain/search/embeddings.py): "auto" = ONNX Runtime when `make
    # bootstrap` exported the model into `embedding_onnx_dir` (default .tools/embeddings), else
    # PyTorch; "torch" forces the PyTorch fallback. int8 is the dynamically quantized copy.
    embedding_backend: Literal["auto", "onnx", "torch"] = "auto"
    embedding_onnx_dir: Path | None = None
    embedding_onnx_int8: bool = False

    # Commerce
    stripe_secret_key: str | None = Field(
        default=None, validation_alias=_alias("STRIPE_SECRET_KEY")
    )
    stripe_publishable_key: str | None = Field(
        default=None, validation_alias=_alias("STRIPE_PUBLISHABLE_KEY")
    )
    stripe_webhook_secret: str | None = Field(
        default=None, validation_alias=_alias("STRIPE_WEBHOOK_SECRET")
    )
    # For tests against a local Stripe fake; unset in production.
    stripe_api_base: str | None = Field(default=None, validation_alias=_alias("STRIPE_API_BASE"))
    # One Stripe API request unanswered this long counts as no answer (stripe-python's own
    # default is 80 s): it is retried twice with the same idempotency key, then a payout stays
    # processing and a refund pending until the reconciler finishes them. A refund is asked
    # for from a page, so the seller waits at most about three times this.
    stripe_timeout_seconds: float = Field(default=20.0, gt=0)
    platform_fee_percent: float = 10.0
    refund_window_days: int = 14
    download_url_ttl_seconds: int = 600
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "VibeCoder <no-reply@vibecoder.local>"
    smtp_starttls: bool = True
    # "auto": Stripe when STRIPE_SECRET_KEY is set, else the embedded dummy gateway.
    payment_gateway: Literal["auto", "stripe", "dummy"] = "auto"
    # Production refuses the dummy (test) gateway unless this is set explicitly (a demo site).
    allow_test_payments: bool = False
    # Comma-separated list in STRIPE_WEBHOOK_SECRET lets an operator roll the endpoint secret.
    stripe_webhook_tolerance_seconds: int = 300
    checkout_session_minutes: int = 30
    # A usage-priced listing sells packs of this many runs at its per-run price.
    usage_pack_runs: int = 100
    license_api_per_key_per_minute: int = 120
    license_api_per_ip_per_minute: int = 600
    # How long one process reuses a `validate` answer (domain/commerce/license_cache.py): the
    # longest a refunded or deactivated key can still validate anywhere. 0 turns it off.
    license_cache_seconds: float = Field(default=0.5, ge=0, le=1)
    # How long one process reuses the home page's listings (domain/catalog/home.py): the same
    # for every visitor, and under load most of a backend's CPU when computed per visit.
    home_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    min_payout_cents: int = 100
    # Beat's safety net: payment events stored but not applied after this long are re-queued
    # (processing is idempotent under a row lock), checked every `payments_sweep_seconds`.
    payments_sweep_seconds: float = 300.0
    payments_stuck_after_seconds: float = 300.0

    # Public API (/api/v1): requests per minute per key (or signed-in user) and per address.
    api_requests_per_key_per_minute: int = 600
    api_requests_per_ip_per_minute: int = 1200

    # AI builder
    anthropic_api_key: str | None = Field(
        default=None, validation_alias=_alias("ANTHROPIC_API_KEY")
    )
    anthropic_base_url: str | None = Field(
        default=None, validation_alias=_alias("ANTHROPIC_BASE_URL")
    )
    openai_api_key: str | None = Field(default=None, validation_alias=_alias("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(default=None, validation_alias=_alias("OPENAI_BASE_URL"))
    anthropic_model: str = "claude-sonnet-4-5"
    openai_model: str = "gpt-4.1"
    openai_compatible_base_url: str | None = None
    openai_compatible_model: str | None = None
    builder_run_token_budget: int = 200_000
    # Tokens (in + out) one account may spend per UTC day across all its builder runs.
    builder_daily_tokens_per_user: int = 2_000_000
    builder_lock_ttl_seconds: int = 120
    # Output tokens asked for per component step (a component is at most 150 lines).
    builder_step_max_tokens: int = 4096
    # Events kept per project in its Redis Stream (older ones are trimmed).
    builder_stream_maxlen: int = 5000
    # Pace of the offline demo model in the browser (0 = as fast as it can); 2000 is a fast model.
    builder_scripted_tokens_per_second: float = 2000.0
    # "Preview a variation" of a web listing (docs/variations.md): previews one account may start
    # per day (a moving 24-hour window), the tokens one variation may spend, and how many days
    # a variation nobody bought is kept before the cleanup task deletes it.
    variations_per_user_per_day: int = 5
    variation_token_budget: int = 60_000
    variation_retention_days: int = 7
    # Where `make bootstrap` installs react, react-dom, framer-motion, lucide-react, tailwindcss.
    preview_runtime_dir: Path | None = None
    chromium_path: str = Field(
        default="/usr/bin/chromium", validation_alias=_alias("VIBECODER_CHROMIUM")
    )
    # The esbuild binary of the shadow bundler; unset: the one `make bootstrap` put in .tools.
    esbuild_path: str | None = Field(default=None, validation_alias=_alias("VIBECODER_ESBUILD"))

    # Sandbox
    sandbox_backend: Literal["auto", "bwrap", "docker"] = "auto"
    sandbox_wall_seconds: float = 10.0
    sandbox_cpu_seconds: int = 5
    sandbox_memory_mb: int = 256
    sandbox_max_processes: int = 64
    sandbox_max_output_bytes: int = 1024 * 1024
    sandbox_max_file_bytes: int = 16 * 1024 * 1024
    sandbox_concurrency: int = 2
    sandbox_runs_per_user_per_hour: int = 60
    sandbox_runs_per_ip_per_hour: int = 120
    # The editable sandbox (docs/remix.md): a visitor's edits live this long in Redis, within
    # these caps per file, per visitor and version, and in files edited.
    sandbox_edit_ttl_seconds: int = 2 * 3600
    sandbox_edit_max_file_bytes: int = 64 * 1024
    sandbox_edit_max_total_bytes: int = 256 * 1024
    sandbox_edit_max_files: int = 20

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key == PLACEHOLDER_SECRET_KEY:
            raise ValueError(
                "VIBECODER_SECRET_KEY must be set to a random value outside development "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if len(self.secret_key) < 16:
            raise ValueError("VIBECODER_SECRET_KEY must be at least 16 characters")
        for network in self.trusted_proxy_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"VIBECODER_TRUSTED_PROXIES: {network!r} is not an address or network"
                ) from exc
        if self.environment == "production":
            self._refuse_unsafe_production()
        return self

    def _refuse_unsafe_production(self) -> None:
        """Production fails closed: no fake money, no unsigned webhooks, no preview in the app."""
        if self.uses_test_gateway and not self.allow_test_payments:
            raise ValueError(
                "Production would take payments through the test gateway: set STRIPE_SECRET_KEY "
                "(and VIBECODER_PAYMENT_GATEWAY=stripe), or VIBECODER_ALLOW_TEST_PAYMENTS=true "
                "for a demo that must not sell anything real"
            )
        stripe_on = self.payment_gateway != "dummy" and self.stripe_secret_key
        if stripe_on and not self.stripe_webhook_secrets:
            raise ValueError("STRIPE_WEBHOOK_SECRET is required when Stripe is on")
        if self.preview_url and _origin_of(self.preview_url) == _origin_of(self.public_url):
            raise ValueError("VIBECODER_PREVIEW_URL must be another origin than the app's")

    @property
    def uses_test_gateway(self) -> bool:
        return self.payment_gateway == "dummy" or (
            self.payment_gateway == "auto" and not self.stripe_secret_key
        )

    @property
    def test_checkout_enabled(self) -> bool:
        """The dummy gateway's pay page exists only where test payments are allowed."""
        return self.uses_test_gateway and (
            self.environment != "production" or self.allow_test_payments
        )

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def trusted_proxy_networks(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @property
    def uses_embedded_database(self) -> bool:
        return not self.database_url

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    # The three public origins; a `localhost` one follows the host the browser used
    # (vibecoder/urls.py), so nothing assumes which loopback name was typed.
    @property
    def public_url(self) -> str:
        from vibecoder.urls import current_request_host, localize

        url = self.app_url or f"http://localhost:{self.frontend_port}"
        return localize(url, current_request_host()).rstrip("/")

    @property
    def app_origins(self) -> list[str]:
        """The app's origin; a `localhost` one under every loopback name (CORS, Origin checks):
        the app is the same opened at localhost or 127.0.0.1."""
        from vibecoder.urls import LOCAL_HOSTS, localize

        url = (self.app_url or f"http://localhost:{self.frontend_port}").rstrip("/")
        if url.split("://", 1)[-1].split(":", 1)[0].split("/", 1)[0] not in LOCAL_HOSTS:
            return [url]
        return sorted({url, *(localize(url, host) for host in ("127.0.0.1", "localhost"))})

    @property
    def public_api_url(self) -> str:
        from vibecoder.urls import current_request_host, localize

        url = self.api_url or f"http://localhost:{self.backend_port}"
        return localize(url, current_request_host()).rstrip("/")

    @property
    def public_preview_url(self) -> str:
        from vibecoder.urls import current_request_host, localize

        if self.preview_url:
            return localize(self.preview_url, current_request_host()).rstrip("/")
        # Development: the backend under the *other* loopback name than the browser used, so
        # the app's cookies (scoped to a host, whatever the port) are not even sent there.
        other = "localhost" if current_request_host() == "127.0.0.1" else "127.0.0.1"
        return f"http://{other}:{self.backend_port}"

    @property
    def stripe_webhook_secrets(self) -> list[str]:
        raw = self.stripe_webhook_secret or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@functools.lru_cache
def get_settings() -> Settings:
    return Settings()
