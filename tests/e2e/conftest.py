"""The running app (`python -m vibecoder dev`, exactly what `make run` starts) and a browser."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from tests.conftest import PROJECT_ROOT
from vibecoder.domain.accounts import auth
from vibecoder.infra.embedded import EmbeddedPostgres, EmbeddedRedis, free_port

ARTIFACTS = Path(__file__).parent / "artifacts"


# Desktop and phone: the widths every UI flow is checked at (`sized_page`).
VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request, browser, live_app):
    """A fresh tab at each width; `tab.width_name` names the width for screenshots."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], accept_downloads=True)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.width_name = request.param
    yield tab
    context.close()


def shot(page, name: str) -> None:
    """A full-page screenshot in the test artifacts, named for the tab's width."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.width_name}.png"), full_page=True)


START_TIMEOUT_SECONDS = 420
CHROMIUM = os.environ.get("VIBECODER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e is an `e2e` test, so `pytest -m "not e2e"` is the fast loop.

    tryfirst: the marks must be on the items before `-m` deselects by them.
    """
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class LiveApp:
    process: subprocess.Popen
    data_dir: Path
    frontend_url: str
    backend_url: str
    log_path: Path
    database_url: str = ""
    redis_url: str = ""
    descendants: list[psutil.Process] = field(default_factory=list)
    descendant_cmdlines: list[str] = field(default_factory=list)
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.database_url)
        return self._engine

    def run_python(self, code: str) -> str:
        """Run `code` in a new interpreter wired to this app's services, as the app's own
        processes are: what it commits enqueues work on the app's broker, not on the test
        session's (or on none). Returns what it printed."""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            VIBECODER_DATA_DIR=str(self.data_dir),
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> int:
        if self._engine is not None:
            self._engine.dispose()
        if self.process.poll() is None:
            self.descendants = psutil.Process(self.process.pid).children(recursive=True)
            for proc in self.descendants:
                with contextlib.suppress(psutil.Error):
                    self.descendant_cmdlines.append(" ".join(proc.cmdline()))
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=90)


def _wait_until_up(app: LiveApp) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    health = {}
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"`vibecoder dev` exited early:\n{app.log_tail()}")
        try:
            response = httpx.get(f"{app.backend_url}/api/health", timeout=5)
            health = response.json()
            if response.status_code == 200:
                page = httpx.get(app.frontend_url + "/", timeout=30)
                if page.status_code == 200:
                    return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(1)
    raise RuntimeError(f"app not healthy in {START_TIMEOUT_SECONDS}s ({health}):\n{app.log_tail()}")


# One app and one browser per test session, whichever directory's tests ask first:
# tests/security registers these same fixtures, and a second `vibecoder dev` (or a second
# sync Playwright in this thread) would be waste, or an error.
_shared: dict[str, object] = {}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> LiveApp:
    if "live_app" in _shared:
        yield _shared["live_app"]
        return
    data_dir = tmp_path_factory.mktemp("live-data")
    no_reload_dir = tmp_path_factory.mktemp("no-reload")
    frontend_port, backend_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        VIBECODER_DATA_DIR=str(data_dir),
        FRONTEND_PORT=str(frontend_port),
        BACKEND_PORT=str(backend_port),
        VIBECODER_APP_URL=f"http://localhost:{frontend_port}",
        # The tests play a reverse proxy on loopback (tests/security checks per-client limits).
        VIBECODER_TRUSTED_PROXIES="127.0.0.1/32",
        # Editing files while tests run must not restart the app under test.
        REFLEX_HOT_RELOAD_OVERRIDE_PATHS=str(no_reload_dir),
    )
    log_path = data_dir / "dev.log"
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "vibecoder", "dev"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: nothing `dev` does to its children can reach pytest.
        start_new_session=True,
    )
    app = LiveApp(
        process=process,
        data_dir=data_dir,
        frontend_url=f"http://localhost:{frontend_port}",
        backend_url=f"http://127.0.0.1:{backend_port}",
        log_path=log_path,
    )
    try:
        _wait_until_up(app)
        state = json.loads((data_dir / "services.json").read_text())
        app.database_url = EmbeddedPostgres(data_dir / "postgres").url(state["pg_port"])
        app.redis_url = EmbeddedRedis(data_dir / "redis").url(state["redis_port"])
    except BaseException:
        app.stop()
        raise
    _shared["live_app"] = app
    yield app
    _shared.pop("live_app", None)
    app.stop()
    log.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot of every open tab in artifacts/failures."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or "browser" not in _shared:
        return
    failures = ARTIFACTS / "failures"
    failures.mkdir(parents=True, exist_ok=True)
    for i, context in enumerate(_shared["browser"].contexts):
        for j, tab in enumerate(context.pages):
            with contextlib.suppress(Exception):
                name = f"{item.name}-{i}-{j}.png".replace("/", "_")
                tab.screenshot(path=str(failures / name), full_page=True, timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if "browser" in _shared:
        yield _shared["browser"]
        return
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _shared["browser"] = instance
        yield instance
        _shared.pop("browser", None)
        instance.close()


@pytest.fixture
def page(browser, live_app):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


def wait_for_app(page) -> None:
    """Reflex hydrates over a websocket after the HTML arrives, and again after each client-side
    navigation: wait until the backend has loaded the page in the address bar (the marker every
    page carries, vibecoder/components/layout.py). A field filled before that can be emptied by
    the re-render, and a required field left empty blocks the form's submit."""
    page.wait_for_load_state("load")
    # The path must match too: right after a client-side navigation the marker still says the
    # last page was loaded. Paths are compared without a trailing slash or ".html" (a static
    # export behind nginx); a marker that has said "hydrated" for 5 s on another spelling of
    # the path is taken as loaded rather than waited on for ever.
    page.wait_for_function(
        r"""() => {
            if (!document.querySelector('script[type=module]')) return true;  // not the app
            const ready = document.getElementById('vc-ready');
            if (ready === null || ready.dataset.hydrated !== 'true') {
                window.__vcHydratedSince = undefined;
                return false;
            }
            const norm = (p) => (p || '').replace(/\.html$/, '').replace(/\/+$/, '') || '/';
            if (norm(ready.dataset.path) === norm(window.location.pathname)) return true;
            window.__vcHydratedSince = window.__vcHydratedSince || Date.now();
            return Date.now() - window.__vcHydratedSince > 5000;
        }""",
        polling=100,
    )


def sign_in(page, live_app: LiveApp, email: str, password: str, next_path: str = "/") -> None:
    """Sign in through the form and wait until the app has landed on `next_path`."""
    page.goto(f"{live_app.frontend_url}/signin?next={next_path}")
    wait_for_app(page)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#signin-submit")
    page.wait_for_url(live_app.frontend_url + next_path)
    wait_for_app(page)


def sign_up_buyer(page, live_app: LiveApp, prefix: str, password: str, next_path: str) -> str:
    """A fresh buyer account (a unique email) signed in on `page`; returns the email."""
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=email, password=password)
        session.commit()
    sign_in(page, live_app, email, password, next_path)
    return email
