"""Resolve which Postgres and Redis a process talks to, starting the embedded ones if needed."""

from __future__ import annotations

import os

from vibecoder.infra.embedded import EmbeddedServices, ServiceUrls
from vibecoder.settings import get_settings

_services: EmbeddedServices | None = None


def ensure_services() -> ServiceUrls:
    """Export DATABASE_URL/REDIS_URL: configured servers win, else this data dir's embedded ones.

    Embedded servers already run by another process are joined; otherwise this process starts
    them and owns them until `stop_owned_services()` (or exit, through the parent-death signal).
    """
    global _services
    settings = get_settings()
    database_url = settings.database_url
    redis_url = settings.redis_url
    if not (database_url and redis_url):
        if _services is None:
            _services = EmbeddedServices(settings.data_dir)
            _services.start()
        assert _services.urls is not None
        database_url = database_url or _services.urls.database_url
        redis_url = redis_url or _services.urls.redis_url
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    # Settings are cached; the new URLs must be seen by everyone from here on.
    get_settings.cache_clear()
    return ServiceUrls(database_url=database_url, redis_url=redis_url)


def stop_owned_services() -> None:
    global _services
    if _services is not None:
        _services.stop()
        _services = None


def owns_services() -> bool:
    return _services is not None and _services.owned
