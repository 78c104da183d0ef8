"""Shared fixtures: real embedded Postgres+pgvector and Redis, a real Celery worker process.

Services start once per test session in a temporary data dir; every test that touches them gets
clean tables (TRUNCATE) and an empty Redis database.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# Settings are read at import time by several modules: fix the test environment first.
os.environ["VIBECODER_ENVIRONMENT"] = "test"
os.environ.setdefault("VIBECODER_SECRET_KEY", "test-" + secrets.token_urlsafe(24))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
for _var in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
    os.environ.pop(_var, None)


# Suites that start long-lived processes run last, each once the one before is done: the live
# app (e2e, and the browser security checks on it) would otherwise keep its Postgres, Redis,
# Celery and Reflex busy on the same 2 cores through every integration test.
_SUITE_ORDER = {"unit": 0, "sandbox": 1, "integration": 2, "security": 3, "e2e": 4, "resilience": 5}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Each suite ends with its shutdown check (it stops the live app or the topology)."""
    tests_dir = Path(__file__).parent

    def rank(item) -> tuple[int, int]:
        suite = item.path.relative_to(tests_dir).parts[0] if tests_dir in item.path.parents else ""
        order = _SUITE_ORDER.get(suite, 0)
        if "live_app" in getattr(item, "fixturenames", ()):
            order = _SUITE_ORDER["e2e"]
        return order, int(item.path.name == "test_zz_shutdown.py")

    items.sort(key=rank)  # stable: collection order within a suite


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    """Embedded Postgres and Redis for this test session, migrated to head."""
    from vibecoder.infra.embedded import EmbeddedServices
    from vibecoder.settings import get_settings

    data_dir = tmp_path_factory.mktemp("vibecoder-data")
    os.environ["VIBECODER_DATA_DIR"] = str(data_dir)
    embedded = EmbeddedServices(data_dir)
    urls = embedded.start()
    os.environ.update(urls.as_env())
    get_settings.cache_clear()

    from vibecoder.cli import upgrade_database
    from vibecoder.infra.db import reset_engine

    reset_engine()
    upgrade_database()
    yield urls
    reset_engine()
    embedded.stop()


def _truncate_all() -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import SQLModel

    import vibecoder.models  # noqa: F401
    from vibecoder.infra.db import get_engine

    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    # A task from the previous test may still hold row locks in the worker; TRUNCATE then
    # deadlocks or waits. Postgres aborts one side; retrying once the task is done is safe.
    for attempt in range(20):
        try:
            with get_engine().begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '3s'"))
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.5)


@pytest.fixture
def db(services):
    """A clean database; yields a SQLModel session that the test may commit freely."""
    from sqlmodel import Session

    from vibecoder.infra.db import get_engine
    from vibecoder.infra.redis_client import get_redis

    # Redis first: it is also the Celery broker, so the worker stops picking up the previous
    # test's queued tasks (a seeded catalog queues dozens) and only those in flight can hold
    # row locks against the TRUNCATE.
    get_redis().flushdb()
    _truncate_all()
    get_redis().flushdb()
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def redis_client(services):
    from vibecoder.infra.redis_client import get_redis

    client = get_redis()
    client.flushdb()
    return client


@pytest.fixture(scope="session")
def celery_worker(services):
    """A real Celery worker process on every queue (not eager mode)."""
    from vibecoder.cli import worker_command

    log_path = Path(os.environ["VIBECODER_DATA_DIR"]) / "celery-test.log"
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        worker_command(concurrency=2),
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from workers.celery_app import app

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited: {log_path.read_text()[-3000:]}")
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        raise RuntimeError(f"celery worker did not answer: {log_path.read_text()[-3000:]}")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def wait_for(
    predicate: Callable[[], T | None],
    *,
    timeout: float = 20.0,
    interval: float = 0.05,
    message: str | Callable[[], str] = "condition not met in time",
) -> T:
    """Poll `predicate` until it returns something truthy and return that; fail after `timeout`.

    For work that finishes elsewhere (a Celery worker, the app under test): `message` (or a
    function building it from the last state) says what never happened.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


def wait_for_run(owner_id: int, public_id: str, run_id: str, statuses, timeout: float = 180):
    """The builder run's state once its status is one of `statuses` (the worker runs it)."""
    from vibecoder.builder.service import runs as builder_runs

    last: dict = {}

    def reached():
        last.update(builder_runs.run_state(owner_id=owner_id, public_id=public_id, run_id=run_id))
        return dict(last) if last["status"] in statuses else None

    return wait_for(
        reached,
        timeout=timeout,
        interval=0.2,
        message=lambda: f"run stayed {last.get('status')}: {last.get('error')}",
    )


def run_cli(*args: str, input: str | None = None, env: dict | None = None, timeout: int = 120):
    return subprocess.run(
        [sys.executable, "-m", "vibecoder", *args],
        cwd=PROJECT_ROOT,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else dict(os.environ),
    )
