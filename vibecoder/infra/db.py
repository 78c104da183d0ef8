"""Database engines and sessions. URLs come from settings or the embedded services."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session, create_engine

from vibecoder.settings import get_settings


def database_url() -> str:
    """The configured DATABASE_URL; `infra.runtime.ensure_services()` sets it when embedded."""
    url = get_settings().database_url or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(
            "DATABASE_URL is not set. Start the embedded services with "
            "`python -m vibecoder services` or set DATABASE_URL."
        )
    return normalize_database_url(url)


def normalize_database_url(url: str) -> str:
    # Operators paste libpq-style URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@functools.lru_cache
def get_engine() -> Engine:
    # pg_stat_activity then says which process holds a connection (prod-local's process
    # names, e.g. backend.1 or worker-agent.1; "vibecoder" elsewhere).
    name = (os.environ.get("HONCHO_PROCESS_NAME") or "vibecoder")[:63]
    return create_engine(
        database_url(),
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"application_name": name},
    )


def reset_engine() -> None:
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
