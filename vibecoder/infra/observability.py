"""Structured logs with request ids, and Sentry when SENTRY_DSN is set.

- A request id comes from nginx's `X-Request-ID` (or is made up) and rides a context variable;
  every log record carries it, and JSON logs (production) are one object per line.
- Sentry is initialised only with a DSN; without one nothing is sent anywhere (tests never set
  it). Its default integrations cover Starlette and Celery.
"""

from __future__ import annotations

import contextvars
import logging
import uuid
from contextvars import ContextVar

from vibecoder.settings import get_settings

_request_id: ContextVar[str] = ContextVar("vibecoder_request_id", default="-")
_configured: set[str] = set()


def new_request_id(incoming: str | None = None) -> str:
    # Only a sane incoming id is kept (it ends up in logs); anything else gets a fresh one.
    if incoming and len(incoming) <= 64 and all(c.isalnum() or c in "-_." for c in incoming):
        return incoming
    return uuid.uuid4().hex


def set_request_id(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


def configure_logging(service: str) -> None:
    """JSON lines in production (VIBECODER_LOG_FORMAT=json|text overrides), text otherwise."""
    if "logging" in _configured:
        return
    _configured.add("logging")
    settings = get_settings()
    fmt = settings.log_format or ("json" if settings.environment == "production" else "text")
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                static_fields={"service": service},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(levelname)s %(name)s [%(request_id)s]: %(message)s")
        )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def init_sentry(service: str) -> bool:
    """Sentry for this process when SENTRY_DSN is set; returns whether it is on."""
    if "sentry" in _configured:
        return True
    settings = get_settings()
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment,
        server_name=service,
        # Errors only; no performance tracing or personal data by default.
        traces_sample_rate=0.0,
        send_default_pii=False,
    )
    _configured.add("sentry")
    return True
