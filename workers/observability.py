"""Worker-side observability: JSON logs, Sentry (with SENTRY_DSN), Prometheus task metrics.

Imported first by workers/celery_app.py: prometheus-client picks its storage when first
imported, and tasks run in prefork children, so multiprocess mode must be chosen before any
metric exists (vibecoder/infra/metrics.py). The main process serves the merged samples on
VIBECODER_METRICS_PORT (the Procfile's supervisor sets it from honcho's $PORT).
"""

from __future__ import annotations

import os
import shutil
import time

from vibecoder.settings import get_settings

_settings = get_settings()
if _settings.metrics_port and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _dir = _settings.data_dir / "metrics" / f"worker-{os.getpid()}"
    shutil.rmtree(_dir, ignore_errors=True)
    _dir.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_dir)

from celery.signals import (  # noqa: E402
    task_failure,
    task_postrun,
    task_prerun,
    worker_process_shutdown,
    worker_ready,
)

from vibecoder.infra.metrics import TASK_FAILURES, TASKS  # noqa: E402
from vibecoder.infra.observability import (  # noqa: E402
    configure_logging,
    init_sentry,
    reset_request_id,
    set_request_id,
)

if _settings.environment == "production" or _settings.log_format:
    configure_logging("worker")
init_sentry("worker")

_started: dict[str, tuple[float, object]] = {}


@task_prerun.connect
def _task_started(task_id=None, task=None, **_kwargs) -> None:
    # The task id is the request id of everything the task logs.
    _started[task_id] = (time.perf_counter(), set_request_id(task_id or "-"))


@task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **_kwargs) -> None:
    started, token = _started.pop(task_id, (None, None))
    if started is not None:
        TASKS.labels(task.name, (state or "unknown").lower()).observe(time.perf_counter() - started)
    if token is not None:
        reset_request_id(token)


@task_failure.connect
def _task_failed(sender=None, **_kwargs) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()


@worker_ready.connect
def _serve_metrics(**_kwargs) -> None:
    port = get_settings().metrics_port
    if not port:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr="127.0.0.1" if _bind_loopback() else "0.0.0.0", registry=registry)  # noqa: S104


def _bind_loopback() -> bool:
    return os.environ.get("BACKEND_HOST") == "127.0.0.1"


@worker_process_shutdown.connect
def _child_exit(pid=None, **_kwargs) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
