"""A task through a real worker process, and the health endpoint over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def test_health_reports_ok_with_db_redis_and_worker(services, celery_worker):
    from vibecoder.api import build_api

    with TestClient(build_api()) as client:
        response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("db", "redis", "worker")} == {
        "db": "ok",
        "redis": "ok",
        "worker": "ok",
    }
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
        "r = TestClient(build_api()).get('/api/health');"
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
