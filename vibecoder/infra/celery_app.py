"""The Celery application: Redis broker, one queue per kind of work, routes by task name.

Queues: `agent` (builder steps), `embeddings` (search vectors), `sandbox` (untrusted runs),
`default` (small bookkeeping). Long tasks are acked late with prefetch 1 so a killed worker's
task is redelivered instead of lost; tasks that are safe to retry say so themselves.

The app lives here, not in `workers/`, so the web process can send tasks by name
(`vibecoder.infra.dispatch`) without importing any task code; `workers.celery_app` imports
this app and registers the tasks and the beat schedule on it. Both sides therefore share one
broker configuration and one routing table.
"""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

from vibecoder.infra.redis_client import redis_url

QUEUES = ("default", "agent", "embeddings", "sandbox")

app = Celery("vibecoder")
app.conf.update(
    broker_url=redis_url(),
    result_backend=redis_url(),
    broker_connection_retry_on_startup=True,
    task_default_queue="default",
    # kombu ships no annotations for Queue/Exchange.
    task_queues=[
        Queue(name, Exchange(name, type="direct"), routing_key=name)  # type: ignore[no-untyped-call]
        for name in QUEUES
    ],
    task_default_exchange="default",
    task_default_routing_key="default",
    # Routing is by name, so a task sent by name from the web process lands on the same queue
    # as one sent from a worker with the task object.
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
)
