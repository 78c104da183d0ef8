"""`make prod-local`'s topology, started ONCE per test session for every test in this folder.

The fixture runs exactly what `make prod-local` runs (`python -m vibecoder prod local`: honcho,
the Procfile, nginx, two backends, workers per queue, beat, packaged Postgres, Debian Redis) on
free loopback ports in a temporary PROD_DIR, and stops it with SIGINT (Ctrl-C) at the end.
Tests kill parts of it on purpose; each test leaves it healthy again (`wait_healthy`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import Engine, create_engine

from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import browser  # noqa: F401 - the session's one Chromium
from vibecoder.infra.embedded import free_port

START_TIMEOUT_SECONDS = 600
BACKENDS = 2


def _free_run(count: int) -> int:
    """A first port with `count` consecutive free ports (honcho numbers backends that way)."""
    for _ in range(50):
        base = free_port()
        ok = True
        for port in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no run of free ports")


@dataclass
class ProdLocal:
    process: subprocess.Popen
    root: Path
    url: str
    preview_url: str
    backend_ports: list[int]
    database_url: str
    redis_url: str
    log_path: Path
    descendants: list[psutil.Process] = field(default_factory=list)
    descendant_cmdlines: list[str] = field(default_factory=list)
    _engine: Engine | None = None

    # The e2e helpers (sign_in, …) address the app by these names.
    @property
    def frontend_url(self) -> str:
        return self.url

    @property
    def backend_url(self) -> str:
        return self.url

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.database_url, pool_pre_ping=True)
        return self._engine

    def log_tail(self, chars: int = 6000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def pid(self, name: str) -> int:
        """The supervised child of Procfile process `name` (e.g. backend.1), a group leader."""
        return int((self.root / "run" / f"{name}.pid").read_text())

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        pid = self.pid(name)
        os.killpg(pid, sig)
        return pid

    def wait_restarted(self, name: str, old_pid: int, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(FileNotFoundError, ValueError):
                pid = self.pid(name)
                if pid != old_pid and psutil.pid_exists(pid):
                    return pid
            time.sleep(0.3)
        raise AssertionError(f"{name} was not restarted:\n{self.log_tail()}")

    def wait_healthy(self, timeout: float = 180) -> None:
        """nginx answers, every backend is ready, a worker heartbeat is fresh."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prod-local exited:\n{self.log_tail()}")
            try:
                statuses = [
                    httpx.get(f"http://127.0.0.1:{p}/api/health/ready", timeout=5).status_code
                    for p in self.backend_ports
                ]
                front = httpx.get(f"{self.url}/api/health/ready", timeout=5)
                last = f"{statuses} {front.status_code} {front.text}"
                if statuses == [200] * len(self.backend_ports) and front.status_code == 200:
                    return
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(1)
        raise RuntimeError(f"prod-local not healthy in {timeout}s ({last}):\n{self.log_tail()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.descendants = psutil.Process(self.process.pid).children(recursive=True)
            for proc in self.descendants:
                with contextlib.suppress(psutil.Error):
                    self.descendant_cmdlines.append(" ".join(proc.cmdline()))
            self.process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            return self.process.wait(timeout=120)
        finally:
            if self._engine is not None:
                self._engine.dispose()


@pytest.fixture(scope="session")
def prod_local(tmp_path_factory) -> ProdLocal:
    root = tmp_path_factory.mktemp("prod-local")
    http_port, preview_port = free_port(), free_port()
    backend_port = _free_run(BACKENDS)
    pg_port, redis_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "VIBECODER_DATA_DIR", "VIBECODER_APP_URL")
    }
    env.update(
        PROD_DIR=str(root),
        PROD_HTTP_PORT=str(http_port),
        PROD_PREVIEW_PORT=str(preview_port),
        PROD_BACKEND_PORT=str(backend_port),
        PROD_BACKENDS=str(BACKENDS),
        PROD_PG_PORT=str(pg_port),
        PROD_REDIS_PORT=str(redis_port),
        # Faster heartbeats so a killed worker shows in readiness within the test's patience.
        VIBECODER_WORKER_HEARTBEAT_SECONDS="1",
        VIBECODER_HEALTH_WORKER_STALE_SECONDS="10",
        # Beat's payment sweep re-queues events a killed worker left unapplied, quickly here.
        VIBECODER_PAYMENTS_SWEEP_SECONDS="3",
        VIBECODER_PAYMENTS_STUCK_AFTER_SECONDS="5",
        # A Postgres outage long enough to watch requests get 503s.
        PROD_PG_RESTART_DELAY="8",
        # Sentry must never send from tests.
        SENTRY_DSN="",
    )
    log_path = root / "prod-local.log"
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "vibecoder", "prod", "local"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    app = ProdLocal(
        process=process,
        root=root,
        url=f"http://127.0.0.1:{http_port}",
        preview_url=f"http://127.0.0.1:{preview_port}",
        backend_ports=[backend_port + i for i in range(BACKENDS)],
        database_url="",
        redis_url="",
        log_path=log_path,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not (root / "prod.env").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prod-local did not start:\n{app.log_tail()}")
            time.sleep(1)
        values = dict(
            line.split("=", 1) for line in (root / "prod.env").read_text().splitlines() if line
        )
        app.database_url = values["DATABASE_URL"]
        app.redis_url = values["REDIS_URL"]
        app.wait_healthy(timeout=max(60, deadline - time.monotonic()))
        _wait_seeded(app, deadline)
    except BaseException:
        app.stop()
        log.close()
        raise
    yield app
    if app.process.poll() is None:
        app.stop()
    log.close()


def _wait_seeded(app: ProdLocal, deadline: float) -> None:
    from sqlalchemy import text

    while time.monotonic() < deadline:
        with app.engine.connect() as conn:
            if conn.execute(text("select count(*) from listings")).scalar_one() > 0:
                return
        time.sleep(1)
    raise RuntimeError(f"demo catalog not seeded:\n{app.log_tail()}")


@pytest.fixture(scope="session")
def prod_browser(browser):  # noqa: F811 - the fixture imported above
    # The e2e suite's Chromium: one sync Playwright per test session (a second one in the same
    # thread is refused: "using Playwright Sync API inside the asyncio loop").
    return browser


@pytest.fixture
def prod_page(prod_browser, prod_local):
    from playwright.sync_api import expect

    # Two backends, workers and a browser on a shared 2-core machine: be patient.
    expect.set_options(timeout=30_000)
    context = prod_browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()
    prod_local.wait_healthy()


def pytest_collection_modifyitems(config, items):
    # The first test here also pays for starting the topology (frontend export included).
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.timeout(1200))
