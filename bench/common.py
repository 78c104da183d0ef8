"""Shared benchmark helpers: private services, percentiles, a printed table, JSON results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


# Measuring starts once the machine's CPU (all cores) stays under this over a window: a freshly
# started app first compiles or exports its frontend and runs start-up jobs (the demo catalog's
# covers and embeddings), load that a benchmark is not about.
SETTLE_CPU_PERCENT = 15.0
SETTLE_WINDOW = 3.0
SETTLE_TIMEOUT = 300.0


def wait_until_settled() -> dict[str, float | bool]:
    """Block until the CPU is quiet (or SETTLE_TIMEOUT passes); what happened, for the result."""
    import psutil

    started = time.monotonic()
    busy = psutil.cpu_percent(interval=SETTLE_WINDOW)
    while busy > SETTLE_CPU_PERCENT and time.monotonic() - started < SETTLE_TIMEOUT:
        busy = psutil.cpu_percent(interval=SETTLE_WINDOW)
    return {
        "settled": busy <= SETTLE_CPU_PERCENT,
        "settle_seconds": round(time.monotonic() - started, 1),
        "cpu_percent_at_start": busy,
    }


def machine() -> dict[str, str | int]:
    return {
        "cpus": os.cpu_count() or 0,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2) + "\n")
    return path


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{title}\n" + "-" * (width + 24))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def start_services(data_dir: Path, **env: str) -> Any:
    """Embedded Postgres and Redis of this benchmark's own, in `data_dir`; their URLs.

    Every benchmark runs on private services so it measures nothing else and leaves nothing
    behind; `env` sets extra settings first. Stop them with `stop_services()`.
    """
    os.environ["VIBECODER_DATA_DIR"] = str(data_dir)
    os.environ.update(env)
    os.environ.setdefault("VIBECODER_ENVIRONMENT", "development")
    from vibecoder.infra import runtime
    from vibecoder.settings import get_settings

    get_settings.cache_clear()
    return runtime.ensure_services()


def stop_services() -> None:
    """Close the pooled connections, then stop the services `start_services` started."""
    from vibecoder.infra import runtime
    from vibecoder.infra.db import reset_engine

    reset_engine()
    runtime.stop_owned_services()
