"""A worker process SIGKILLed mid-sandbox-run: no sandbox process survives it, and the run
ends as failed with a clear message instead of "running" forever."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

import psutil
from sqlmodel import select

from tests.conftest import PROJECT_ROOT
from tests.integration.test_sandbox_runs import _listing
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.sandbox_runs.reaper import ORPHANED_MESSAGE, reap_orphaned_runs
from vibecoder.domain.sandbox_runs.runs import has_lease
from vibecoder.models.sandbox import SandboxRun

SLEEPER = "import time\nprint('started', flush=True)\ntime.sleep(120)\n"


def _sandbox_descendants(proc: psutil.Process) -> list[psutil.Process]:
    with_children = proc.children(recursive=True)
    return [p for p in with_children if p.name() in ("bwrap", "python3", "python")]


def test_killed_worker_leaves_no_sandbox_and_the_run_fails_clearly(db, redis_client):
    listing = _listing(db, {"main.py": SLEEPER})
    version = catalog.latest_version(session=db, listing_id=listing.id)
    # Queued directly (not through Celery): this test's own "worker" process runs it.
    run = SandboxRun(
        public_id=secrets.token_hex(8),
        listing_id=listing.id,
        version_id=version.id,
        language="python",
        entry_point="main.py",
    )
    db.add(run)
    db.commit()
    code = (
        "from vibecoder.domain.sandbox_runs.runs import execute_run;"
        "from vibecoder.infra.db import session_scope;"
        "from vibecoder.infra.redis_client import get_redis;"
        "s = session_scope().__enter__();"
        f"execute_run(session=s, redis_client=get_redis(), public_id='{run.public_id}', stdin='')"
    )
    env = dict(os.environ, VIBECODER_SANDBOX_WALL_SECONDS="60")
    worker = subprocess.Popen(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        parent = psutil.Process(worker.pid)
        while not any(p.name() == "bwrap" for p in parent.children(recursive=True)):
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(1)
        sandboxed = _sandbox_descendants(parent)
        db.expire_all()
        assert db.get(SandboxRun, run.id).status == "running"
        assert has_lease(redis_client, run.public_id)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    # bubblewrap's --die-with-parent takes the sandbox down with the worker.
    gone, alive = psutil.wait_procs(sandboxed, timeout=10)
    assert alive == [], [p.cmdline() for p in alive]
    # While the lease runs the run is left alone; once it lapses it is failed, clearly.
    assert reap_orphaned_runs(session=db, redis_client=redis_client) == []
    redis_client.delete(f"vc:sandbox:lease:{run.public_id}")  # the TTL, fast-forwarded
    assert reap_orphaned_runs(session=db, redis_client=redis_client) == [run.public_id]
    db.expire_all()
    finished = db.exec(select(SandboxRun).where(SandboxRun.id == run.id)).one()
    assert finished.status == "failed" and finished.error == ORPHANED_MESSAGE
    assert finished.finished_at is not None
