"""Start the heartbeat thread in each worker's main process (see vibecoder/infra/heartbeat.py).

Only the main process beats: if it is SIGKILLed its pool children die with it and the beats
stop, so readiness turns false within the staleness window instead of trusting a corpse.
"""

from __future__ import annotations

from celery.signals import worker_ready, worker_shutdown

from vibecoder.infra.heartbeat import HeartbeatThread
from vibecoder.infra.redis_client import get_redis
from vibecoder.settings import get_settings

_thread: HeartbeatThread | None = None


@worker_ready.connect
def _start_heartbeat(sender=None, **_kwargs) -> None:
    global _thread
    queues = ",".join(sorted(q.name for q in sender.app.amqp.queues.consume_from.values()))
    _thread = HeartbeatThread(
        get_redis(),
        worker=sender.hostname,
        queues=queues,
        interval=get_settings().worker_heartbeat_seconds,
    )
    _thread.start()


@worker_shutdown.connect
def _stop_heartbeat(**_kwargs) -> None:
    if _thread is not None:
        _thread.stop()
