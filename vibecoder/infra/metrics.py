"""Prometheus metrics (prometheus-client): one registry per process, served at `/metrics`.

Backends serve it on their own HTTP port (vibecoder/api). Celery workers run tasks in prefork
children, so workers use the client's multiprocess mode: every process writes its samples to
PROMETHEUS_MULTIPROC_DIR and the worker's main process serves the merged view on
VIBECODER_METRICS_PORT (workers/observability.py). Metric objects are defined here, once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

# The queues of workers/celery_app.py (the web side must not import the worker package;
# tests/integration/test_observability.py checks the two agree).
CELERY_QUEUES = ("default", "agent", "embeddings", "sandbox")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Histogram(
    "vibecoder_http_request_seconds",
    "HTTP request latency by route template, method and status.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
EVENTS = Counter("vibecoder_events_total", "Reflex events received, by handler name.", ["event"])
TASKS = Histogram(
    "vibecoder_celery_task_seconds",
    "Celery task duration by task name and outcome.",
    ["task", "outcome"],
    buckets=LATENCY_BUCKETS + (60, 120, 300, 600),
)
TASK_FAILURES = Counter(
    "vibecoder_celery_task_failures_total", "Celery tasks that raised.", ["task"]
)
SANDBOX_RUNS = Counter(
    "vibecoder_sandbox_runs_total", "Sandbox runs finished, by final status.", ["status"]
)
BUILDER_TOKENS = Counter(
    "vibecoder_builder_tokens_total",
    "Model tokens spent by the builder, by direction.",
    ["direction"],
)


class QueueDepthCollector:
    """Celery queue lengths read from Redis at scrape time (the broker keeps one list each)."""

    def __init__(self, queues: tuple[str, ...]):
        self.queues = queues

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "vibecoder_celery_queue_depth", "Messages waiting per Celery queue.", labels=["queue"]
        )
        try:
            from vibecoder.infra.health import _probe_redis

            client = _probe_redis()
            pipe = client.pipeline(transaction=False)
            for queue in self.queues:
                pipe.llen(queue)
            for queue, depth in zip(self.queues, pipe.execute(), strict=True):
                family.add_metric([queue], depth)
        except Exception:  # noqa: BLE001, S110 - a scrape must not fail because Redis is away
            pass
        yield family


def render(registry: CollectorRegistry | None = None) -> tuple[bytes, str]:
    from prometheus_client import REGISTRY

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") and registry is None:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry or REGISTRY), CONTENT_TYPE_LATEST
