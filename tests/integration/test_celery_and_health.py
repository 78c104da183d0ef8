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
    assert response.json() == {"db": "ok", "redis": "ok", "worker": "ok"}


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
