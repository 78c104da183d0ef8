"""Last of the session: Ctrl-C (SIGINT to honcho) stops the whole topology, no orphans."""

from __future__ import annotations

import psutil


def test_ctrl_c_stops_everything(prod_local):
    prod_local.wait_healthy()
    exit_code = prod_local.stop()
    assert exit_code in (0, 130)  # honcho exits 130 after SIGINT
    gone, alive = psutil.wait_procs(prod_local.descendants, timeout=30)
    survivors = [f"{p.pid} {p.name()}" for p in alive]
    assert survivors == [], f"orphaned processes: {survivors}"
    assert len(gone) == len(prod_local.descendants)
    kinds = " ".join(prod_local.descendant_cmdlines)
    for expected in ("nginx", "redis-server", "postgres", "reflex", "celery_app worker", "beat"):
        assert expected in kinds, expected
