"""The Celery application: Redis broker, one queue per kind of work.

Queues: `agent` (builder steps), `embeddings` (search vectors), `sandbox` (untrusted runs),
`default` (small bookkeeping). Long tasks are acked late with prefetch 1 so a killed worker's
task is redelivered instead of lost; tasks that are safe to retry say so themselves.
"""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

import workers.observability  # noqa: F401 - before any task module: picks the metrics storage mode
from vibecoder.infra.redis_client import redis_url

QUEUES = ("default", "agent", "embeddings", "sandbox")

app = Celery("vibecoder")
app.conf.update(
    broker_url=redis_url(),
    result_backend=redis_url(),
    broker_connection_retry_on_startup=True,
    task_default_queue="default",
    task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name) for name in QUEUES],
    task_default_exchange="default",
    task_default_routing_key="default",
    task_routes={
        "workers.agent.*": {"queue": "agent"},
        "workers.embeddings.*": {"queue": "embeddings"},
        "workers.sandbox.*": {"queue": "sandbox"},
    },
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=600,
    task_soft_time_limit=540,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=3600,
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
    # Redis redelivers unacked tasks after this; longer than the longest task.
    broker_transport_options={"visibility_timeout": 3600},
    beat_schedule={
        "purge-expired-sessions": {
            "task": "workers.maintenance.purge_expired_sessions",
            "schedule": 3600.0,
        },
        # Seller days close at every hour somewhere; a quarter-hourly run keeps the raw-event
        # part of a dashboard query to about one local day (docs/analytics.md).
        "analytics-rollup": {
            "task": "workers.analytics.rollup_all",
            "schedule": 900.0,
        },
    },
)
# Importing the task modules registers them on the app.
import workers.agent  # noqa: E402,F401
import workers.analytics  # noqa: E402,F401
import workers.embeddings  # noqa: E402,F401
import workers.heartbeat  # noqa: E402,F401 - readiness reads these heartbeats
import workers.maintenance  # noqa: E402,F401
import workers.payments  # noqa: E402,F401
import workers.reconcile  # noqa: E402,F401 - gateway calls that got no answer
import workers.sandbox  # noqa: E402,F401
