"""A task through a real worker process, and the health endpoint over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import select
from starlette.testclient import TestClient

from tests.conftest import PROJECT_ROOT
from vibecoder.domain.accounts import auth
from vibecoder.models.users import UserSession


def test_purge_task_runs_in_a_real_worker(db, celery_worker):
    from workers.maintenance import purge_expired_sessions

    user = auth.register(session=db, email="cleanup@example.com", password="tangerine-bicycle-42")
    live = auth.create_session(session=db, user=user)
    expired = auth.create_session(session=db, user=user)
    row = db.exec(
        select(UserSession).where(UserSession.token_hash == auth.token_hash(expired))
    ).one()
    row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.add(row)
    db.commit()

    result = purge_expired_sessions.delay()
    assert result.get(timeout=30) == 1
    db.expire_all()
    hashes = {s.token_hash for s in db.exec(select(UserSession))}
    assert hashes == {auth.token_hash(live)}
    # The worker is a separate OS process, not eager mode in this one.
    assert celery_worker.pid != os.getpid()


def _wait_ready(client: TestClient, path: str = "/api/health", timeout: float = 20.0):
    # Another test's flushdb may have dropped the heartbeats; the worker's next beat restores them.
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(path)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def test_health_reports_ok_with_db_redis_and_worker(services, celery_worker):
    from vibecoder.api import build_api

    with TestClient(build_api()) as client:
        response = _wait_ready(client)
        assert response.status_code == 200
        body = response.json()
        parts = {k: body[k] for k in ("db", "redis", "worker")}
        assert parts == {"db": "ok", "redis": "ok", "worker": "ok"}
        ready = client.get("/api/health/ready")
        assert ready.status_code == 200 and ready.json() == body
        assert client.get("/api/health/live").json() == {"status": "ok"}
    # This machine has every tool (.ci/run's `make test` installed them): each says why it works.
    capabilities = body["capabilities"]
    assert set(capabilities) == {"sandbox", "renderer", "bundler", "embeddings"}
    assert all(c["available"] for c in capabilities.values()), capabilities
    assert capabilities["renderer"]["reason"] == "Chromium at /usr/bin/chromium starts headless"
    assert capabilities["sandbox"]["reason"].endswith("isolates runs")
    assert capabilities["bundler"]["reason"].startswith("esbuild 0.")
    assert capabilities["embeddings"]["reason"].startswith("all-MiniLM-L6-v2 at ")


def test_health_names_each_missing_tool_and_stays_up(services, celery_worker):
    # The tools really absent: configured paths where nothing is installed.
    env = dict(
        os.environ,
        VIBECODER_CHROMIUM="/nonexistent/chromium",
        VIBECODER_ESBUILD="/nonexistent/esbuild",
        SANDBOX_BACKEND="bwrap",
        SANDBOX_BWRAP="/nonexistent/bwrap",
    )
    code = (
        "import json; from starlette.testclient import TestClient;"
        "from vibecoder.api import build_api;"
        "from vibecoder.infra.capabilities import unavailable_reason;"
        "import time; c = TestClient(build_api()); end = time.monotonic() + 20;"
        "r = c.get('/api/health')\n"
        "while r.status_code != 200 and time.monotonic() < end:\n"
        "    time.sleep(0.5); r = c.get('/api/health')\n"
        "print(json.dumps([r.status_code, r.json(), unavailable_reason('bundler', 'renderer'),"
        " unavailable_reason('sandbox'), unavailable_reason('embeddings')]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    status, body, builder, sandbox, search = json.loads(out.stdout.strip().splitlines()[-1])
    # The marketplace still works: health is 200, the missing tools are reported, not fatal.
    assert status == 200 and body["worker"] == "ok"
    caps = body["capabilities"]
    assert caps["renderer"] == {
        "available": False,
        "reason": "Chromium not found at /nonexistent/chromium (VIBECODER_CHROMIUM); "
        "install it: apt-get install chromium",
    }
    assert caps["bundler"] == {
        "available": False,
        "reason": "esbuild not found at VIBECODER_ESBUILD=/nonexistent/esbuild",
    }
    assert caps["sandbox"]["available"] is False
    assert caps["sandbox"]["reason"].startswith("no sandbox backend available (bwrap: ")
    assert "/nonexistent/bwrap not found" in caps["sandbox"]["reason"]
    assert caps["embeddings"]["available"] is True
    # What the builder and the listing's sandbox panel show instead of their buttons.
    assert builder == (
        "Bundler unavailable on this server: esbuild not found at "
        "VIBECODER_ESBUILD=/nonexistent/esbuild"
    )
    assert sandbox.startswith("Sandbox unavailable on this server: no sandbox backend")
    assert search == ""


def test_the_real_worker_publishes_heartbeats_with_its_queues(services, celery_worker):
    from vibecoder.infra.heartbeat import HEARTBEAT_KEY, QUEUES_KEY
    from vibecoder.infra.redis_client import get_redis

    client = get_redis()
    deadline = time.monotonic() + 20
    while not client.zcard(HEARTBEAT_KEY) and time.monotonic() < deadline:
        time.sleep(0.5)
    (worker, seen_at), *_ = client.zrange(HEARTBEAT_KEY, 0, -1, withscores=True)
    assert time.time() - seen_at < 30
    assert set(client.hget(QUEUES_KEY, worker).split(",")) == {
        "agent",
        "default",
        "embeddings",
        "sandbox",
    }


def test_a_stale_heartbeat_is_not_a_live_worker(services):
    import redis as redis_lib

    from vibecoder.infra.heartbeat import live_workers, publish

    client = redis_lib.Redis.from_url(services.redis_url.rsplit("/", 1)[0] + "/12")
    client.flushdb()
    publish(client, worker="gone@host", now=time.time() - 120)
    assert live_workers(client, within_seconds=30) == 0
    publish(client, worker="alive@host")
    assert live_workers(client, within_seconds=30) == 1
    client.flushdb()


def test_200_concurrent_probes_share_one_check_and_leak_nothing(services, celery_worker):
    """The old probe broadcast a Celery ping per call: 30 concurrent calls exhausted the
    broker pool and hung every route. Now a burst is served from one shared check."""
    import asyncio

    import httpx

    from vibecoder.api import build_api
    from vibecoder.infra.db import get_engine

    with TestClient(build_api()) as client:
        assert _wait_ready(client).status_code == 200

    async def burst():
        transport = httpx.ASGITransport(app=build_api())
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            paths = ["/api/health/ready", "/api/health", "/api/health/live"] * 67
            return await asyncio.gather(*(client.get(p) for p in paths[:200]))

    before = _app_connections()
    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * 200
    # The probe holds at most one connection of its own; the app's pool lends none.
    assert _app_connections() - before <= 1
    assert get_engine().pool.checkedout() == 0
    with TestClient(build_api()) as client:
        assert client.get("/api/search", params={"q": "todo"}).status_code == 200


def _app_connections() -> int:
    from sqlalchemy import text

    from vibecoder.infra.db import get_engine

    with get_engine().connect() as conn:
        return conn.execute(
            text(
                "select count(*) from pg_stat_activity"
                " where datname = current_database() and pid <> pg_backend_pid()"
            )
        ).scalar_one()


def test_live_does_no_io_even_when_every_server_is_down(services):
    env = dict(
        os.environ,
        DATABASE_URL="postgresql+psycopg://nobody:wrong@127.0.0.1:1/none",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    code = (
        "import json; from starlette.testclient import TestClient;"
        "from vibecoder.api import build_api;"
        "c = TestClient(build_api());"
        "print(json.dumps([c.get('/api/health/live').status_code,"
        " c.get('/api/health/ready').status_code, c.get('/api/health/ready').json()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    live_status, ready_status, body = json.loads(out.stdout.strip().splitlines()[-1])
    assert live_status == 200
    assert ready_status == 503
    assert body["db"].startswith("error") and body["redis"].startswith("error")


def test_health_names_the_failing_part_with_503(services):
    # A Redis database no worker listens on: db and redis answer, the worker ping does not.
    env = dict(os.environ, REDIS_URL=services.redis_url.rsplit("/", 1)[0] + "/13")
    code = (
        "import json; from starlette.testclient import TestClient;"
        "from vibecoder.api import build_api;"
        "r = TestClient(build_api()).get('/api/health');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["db"] == "ok" and body["redis"] == "ok"
    assert body["worker"].startswith("error")

    env["DATABASE_URL"] = "postgresql+psycopg://nobody:wrong@127.0.0.1:1/none"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == 503 and body["db"].startswith("error")


def test_routes_answer_a_clear_503_while_the_database_is_away(services):
    env = dict(os.environ, DATABASE_URL="postgresql+psycopg://nobody:wrong@127.0.0.1:1/none")
    code = (
        "import json; from starlette.testclient import TestClient;"
        "from vibecoder.api import build_api;"
        "c = TestClient(build_api(), raise_server_exceptions=False);"
        "k = 'VC-' + '-'.join(['AAAAA'] * 5);"
        "v = c.post('/api/v1/licenses/validate', json={'license_key': k});"
        "s = c.get('/api/search', params={'q': 'csv'});"
        "print(json.dumps([v.status_code, v.json(), s.status_code, s.json(),"
        " s.headers.get('retry-after')]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    v_status, v_body, s_status, s_body, retry_after = json.loads(
        out.stdout.strip().splitlines()[-1]
    )
    assert (v_status, v_body["error"]) == (503, "service_unavailable")
    assert (s_status, s_body["error"]) == (503, "service_unavailable")
    assert retry_after == "5"
