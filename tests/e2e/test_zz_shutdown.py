"""`make run` smoke test, last of the e2e run: SIGTERM stops every child, nothing survives."""

from __future__ import annotations

import httpx
import psutil


def test_sigterm_stops_every_child(live_app):
    health = httpx.get(f"{live_app.backend_url}/api/health", timeout=30).json()
    assert {k: health[k] for k in ("db", "redis", "worker")} == {
        "db": "ok",
        "redis": "ok",
        "worker": "ok",
    }
    assert all(c["available"] for c in health["capabilities"].values()), health
    exit_code = live_app.stop()
    assert exit_code == 0
    gone, alive = psutil.wait_procs(live_app.descendants, timeout=30)
    survivors = [f"{p.pid} {p.name()}" for p in alive]
    assert survivors == [], f"orphaned processes: {survivors}"
    # The stop really covered the whole tree `make run` starts.
    kinds = " ".join(live_app.descendant_cmdlines)
    assert "postgres" in kinds and "redis-server" in kinds
    assert "celery" in kinds and "reflex" in kinds
    assert "celery_app beat" in kinds  # the periodic jobs (analytics rollups) run in dev too
