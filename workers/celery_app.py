"""The worker side of the Celery app: the beat schedule and the task modules.

The app and its broker/queue configuration live in `vibecoder.infra.celery_app` (the web process
sends tasks by name through it); importing this module registers every task on that app, so
`celery -A workers.celery_app` starts a worker that knows them all.
"""

from __future__ import annotations

import workers.observability  # noqa: E402,F401 - before any task module: picks the metrics storage mode
from vibecoder.infra.celery_app import app
from vibecoder.settings import get_settings

__all__ = ["app"]

app.conf.beat_schedule = {
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
    # Listing variations nobody bought are kept variation_retention_days (docs/variations.md).
    "purge-expired-variations": {
        "task": "workers.maintenance.purge_expired_variations",
        "schedule": 3600.0,
    },
    # The safety net behind the webhook path (stuck events, stale checkouts).
    "payments-sweep": {
        "task": "workers.payments.sweep",
        "schedule": get_settings().payments_sweep_seconds,
    },
}

# Importing the task modules registers them on the app.
import workers.agent  # noqa: E402,F401
import workers.analytics  # noqa: E402,F401
import workers.covers  # noqa: E402,F401
import workers.embeddings  # noqa: E402,F401
import workers.heartbeat  # noqa: E402,F401 - readiness reads these heartbeats
import workers.maintenance  # noqa: E402,F401
import workers.payments  # noqa: E402,F401
import workers.reconcile  # noqa: E402,F401 - gateway calls that got no answer
import workers.sandbox  # noqa: E402,F401
