"""The per-process entry points the Procfile (and docker-compose.yml) run in production.

- `prod postgres`: the packaged PostgreSQL+pgvector binaries as a standalone foreground server.
- `prod migrate`: waits for the database, applies migrations once, seeds an empty catalog.
- `prod run -- CMD`: waits until the database is migrated and Redis answers, then runs CMD and
  restarts it when it crashes (compose's `restart: unless-stopped`), so one dead backend or
  worker is replaced instead of honcho stopping the whole topology.

Every child runs in its own process group with a parent-death signal, so SIGTERM/SIGINT (or
the supervisor dying) stops the whole tree: Ctrl-C leaves no orphans.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from vibecoder.infra.embedded import EmbeddedPostgres, _die_with_parent
from vibecoder.settings import PROJECT_ROOT

log = logging.getLogger("vibecoder.prod")

WAIT_TIMEOUT_SECONDS = 300.0
RESTART_BACKOFF_MAX_SECONDS = 10.0
# A child that ran this long before dying is restarted without backoff.
HEALTHY_RUN_SECONDS = 30.0


def prod_dir() -> Path:
    return Path(os.environ.get("PROD_DIR") or (PROJECT_ROOT / "data" / "prod-local")).resolve()


def pid_file(name: str) -> Path:
    return prod_dir() / "run" / f"{name}.pid"


class _Stop:
    """SIGTERM/SIGINT set a flag (and are forwarded by the caller); a second one is the same."""

    def __init__(self) -> None:
        self.requested = False
        self.signum = signal.SIGTERM
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum: int, _frame: object) -> None:
        self.requested = True
        self.signum = signum


def _sleep_unless_stopped(stop: _Stop, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stop.requested and time.monotonic() < deadline:
        time.sleep(0.1)


# --- waiting for dependencies -----------------------------------------------------------------


@functools.lru_cache
def _migration_heads() -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _database_at_head() -> str | None:
    """None when the database answers and is migrated to head, else why not."""
    from sqlalchemy import create_engine, text

    from vibecoder.infra.db import database_url

    heads = _migration_heads()
    engine = create_engine(database_url(), connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            try:
                current = {
                    row[0] for row in conn.execute(text("select version_num from alembic_version"))
                }
            except Exception:  # noqa: BLE001 - no table yet: not migrated
                return "not migrated yet"
        return None if current == heads else f"at {sorted(current)}, head is {sorted(heads)}"
    except Exception as exc:  # noqa: BLE001
        return f"database unavailable ({type(exc).__name__})"
    finally:
        engine.dispose()


def _redis_answers() -> str | None:
    import redis

    from vibecoder.infra.redis_client import redis_url

    try:
        redis.Redis.from_url(redis_url(), socket_timeout=2, socket_connect_timeout=2).ping()
        return None
    except redis.RedisError as exc:
        return f"redis unavailable ({type(exc).__name__})"


def wait_for_dependencies(stop: _Stop, *, migrated: bool = True) -> bool:
    deadline = time.monotonic() + WAIT_TIMEOUT_SECONDS
    last = ""
    while not stop.requested:
        problem = _redis_answers() or (_database_at_head() if migrated else None)
        if problem is None:
            return True
        if problem != last:
            print(f"waiting: {problem}", flush=True)
            last = problem
        if time.monotonic() > deadline:
            print(f"gave up after {WAIT_TIMEOUT_SECONDS:.0f}s: {problem}", file=sys.stderr)
            return False
        _sleep_unless_stopped(stop, 1.0)
    return False


# --- prod run ---------------------------------------------------------------------------------


def _spawn(command: list[str]) -> subprocess.Popen:
    env = dict(os.environ)
    # A Celery worker serves its /metrics on the port honcho gave this process.
    if "worker" in command and "celery" in command[0] and env.get("PORT"):
        env.setdefault("VIBECODER_METRICS_PORT", env["PORT"])
    return subprocess.Popen(
        command,
        env=env,
        cwd=PROJECT_ROOT,
        start_new_session=True,
        preexec_fn=lambda: _die_with_parent(signal.SIGTERM),
    )


def _stop_group(proc: subprocess.Popen, signum: int, timeout: float = 20.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signum)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # Pool children that outlived their leader (celery's prefork, granian workers) go too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def cmd_run(args: argparse.Namespace) -> int:
    command = list(args.child)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("prod run: give the command after --", file=sys.stderr)
        return 2
    stop = _Stop()
    if not args.no_wait and not wait_for_dependencies(stop):
        return 0 if stop.requested else 1
    name = os.environ.get("HONCHO_PROCESS_NAME") or Path(command[0]).name
    pidfile = pid_file(name)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    backoff = 1.0
    while not stop.requested:
        started = time.monotonic()
        proc = _spawn(command)
        pidfile.write_text(str(proc.pid))
        while proc.poll() is None and not stop.requested:
            time.sleep(0.2)
        if stop.requested:
            _stop_group(proc, stop.signum)
            break
        # The leader died on its own (crash, OOM, SIGKILL): clear its group, then restart.
        _stop_group(proc, signal.SIGKILL, timeout=5)
        ran = time.monotonic() - started
        backoff = (
            1.0 if ran > HEALTHY_RUN_SECONDS else min(backoff * 2, RESTART_BACKOFF_MAX_SECONDS)
        )
        print(
            f"{name}: exited with {proc.returncode} after {ran:.0f}s; restarting in {backoff:.0f}s",
            file=sys.stderr,
            flush=True,
        )
        _sleep_unless_stopped(stop, backoff)
        if not args.no_wait and not wait_for_dependencies(stop):
            break
    pidfile.unlink(missing_ok=True)
    return 0


# --- prod migrate -----------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    from vibecoder.cli import upgrade_database

    stop = _Stop()
    if not wait_for_dependencies(stop, migrated=False):
        return 0 if stop.requested else 1
    # Postgres may accept connections a moment before it accepts queries; retry briefly.
    for attempt in range(10):
        try:
            upgrade_database()
            break
        except Exception as exc:  # noqa: BLE001
            if attempt == 9:
                raise
            print(f"migrate: retrying after {type(exc).__name__}", flush=True)
            time.sleep(1)
    print("database is at the latest migration", flush=True)
    if os.environ.get("PROD_SEED", "1") != "0":
        from vibecoder.domain.catalog.seed import seed_demo_data

        print(seed_demo_data(only_if_empty=True).get("message"), flush=True)
    if args.then_idle:
        # honcho stops every process when one exits; a one-shot job therefore idles until
        # the topology stops (compose runs the same command without --then-idle and exits).
        while not stop.requested:
            time.sleep(0.5)
    return 0


# --- prod postgres ----------------------------------------------------------------------------


def cmd_postgres(args: argparse.Namespace) -> int:
    """Run the server in the foreground; restart it if it stops on its own (as compose would)."""
    root = prod_dir() / "postgres"
    server = EmbeddedPostgres(root)
    server.ensure_initialized()
    port = int(os.environ.get("PROD_PG_PORT", "15432"))
    stop = _Stop()
    pidfile = pid_file("postgres")
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    while not stop.requested:
        proc = server.start(port)
        pidfile.write_text(str(proc.pid))
        try:
            server.wait_ready()
            print(f"postgres ready on 127.0.0.1:{port}, data in {server.pgdata}", flush=True)
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr, flush=True)
        while proc.poll() is None and not stop.requested:
            time.sleep(0.2)
        if stop.requested:
            break
        delay = float(os.environ.get("PROD_PG_RESTART_DELAY", "2"))
        print(f"postgres exited with {proc.returncode}; restarting in {delay:g}s", file=sys.stderr)
        _sleep_unless_stopped(stop, delay)
    if proc.poll() is None:
        # SIGINT is postgres's fast shutdown; SIGTERM ("smart") would wait for every client.
        _stop_group(proc, signal.SIGINT, timeout=30)
    pidfile.unlink(missing_ok=True)
    return 0
