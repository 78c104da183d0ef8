"""The operator CLI as a person runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
from sqlmodel import select

from tests.conftest import PROJECT_ROOT, run_cli
from vibecoder.models.users import User


def test_createuser_reads_password_from_stdin(db):
    result = run_cli(
        "createuser",
        "--email",
        "Admin@Example.com",
        "--password-stdin",
        "--role",
        "admin",
        input="orchard-lantern-passphrase\n",
    )
    assert result.returncode == 0, result.stderr
    assert "created admin admin@example.com" in result.stdout
    user = db.exec(select(User)).one()
    assert user.role == "admin" and user.email == "admin@example.com"
    assert "orchard-lantern-passphrase" not in user.password_hash


def test_createuser_refuses_a_weak_password_with_a_clear_message(db):
    result = run_cli("createuser", "--email", "x@example.com", "--password-stdin", input="short\n")
    assert result.returncode == 1
    assert "at least" in result.stderr
    assert db.exec(select(User)).first() is None


def test_services_prints_sourceable_urls_and_stops_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["VIBECODER_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.Popen(
        [sys.executable, "-m", "vibecoder", "services"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = {}
    deadline = time.monotonic() + 90
    while len(lines) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "=" in line:
            key, value = line.strip().split("=", 1)
            lines[key] = value
    assert set(lines) == {"DATABASE_URL", "REDIS_URL"}
    assert lines["DATABASE_URL"].startswith("postgresql+psycopg://")
    # The embedded Redis has a password too (no other local user reads sessions or queues).
    assert lines["REDIS_URL"].startswith("redis://:") and "@127.0.0.1:" in lines["REDIS_URL"]
    children = psutil.Process(proc.pid).children(recursive=True)
    assert any("postgres" in c.name() for c in children)
    assert any("redis" in c.name() for c in children)

    # Another command joins the running services instead of starting its own.
    joined = run_cli("db", "upgrade", env=env)
    assert joined.returncode == 0, joined.stderr

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    gone, alive = psutil.wait_procs(children, timeout=20)
    assert alive == []


def test_dev_server_refuses_production_and_names_the_production_commands(tmp_path):
    """`vibecoder dev` with production settings used to hand Reflex a prod mode it cannot run
    on two ports (it exited with Reflex's own error); now it refuses up front, saying what to
    run instead, and starts nothing (no data dir, no database)."""
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        VIBECODER_ENVIRONMENT="production",
        VIBECODER_ALLOW_TEST_PAYMENTS="true",
        VIBECODER_DATA_DIR=str(data_dir),
    )
    result = run_cli("dev", env=env, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "make prod-local" in result.stderr and "docker compose up" in result.stderr
    assert not (data_dir / "postgres").exists()
