"""A builder worker SIGKILLed mid-step: once its lock lapses the run stops as failed with a
clear message, the project is free, and Retry runs the step again to completion."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import PROJECT_ROOT
from tests.integration.test_builder_engine import PROMPT, project  # noqa: F401 - fixture
from vibecoder.builder import engine
from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.reaper import WORKER_DIED, reap_orphaned_runs
from vibecoder.builder.runtime import LOCK, EventStream, load_state, lock_holder


def test_killed_step_fails_clearly_frees_the_project_and_retries(redis_client, project):  # noqa: F811
    # A slow stream (like a real model), so the step is surely mid-way when killed.
    slow = ProviderConfig("scripted", chunk_chars=20, delay=0.2)
    state = engine.start_run(
        redis_client,
        project_id=project.id,
        prompt=PROMPT,
        provider=slow,
        auto_approve=False,
        render=False,
    )
    run_id = state.run_id
    state = engine.plan_phase(redis_client, run_id)
    assert state.status == "awaiting_approval"
    state = engine.approve(redis_client, run_id)
    code = (
        "from vibecoder.builder import engine;"
        "from vibecoder.infra.redis_client import get_redis;"
        f"engine.step_phase(get_redis(), {json.dumps(run_id)}, 0)"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        stream = EventStream(redis_client, project.public_id)
        while not any(e["type"] == "step_started" for _, e in stream.read()):
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(1.5)
        assert worker.poll() is None, "the step must still be streaming when killed"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    # Still holding its lock (until the TTL): a live-looking run is left alone.
    assert lock_holder(redis_client, project.id) == run_id
    assert reap_orphaned_runs(redis_client) == []
    redis_client.delete(LOCK.format(project.id))  # the lock's TTL, fast-forwarded
    assert reap_orphaned_runs(redis_client) == [run_id]
    state = load_state(redis_client, run_id)
    assert state["status"] == "failed"
    assert state["steps"][0]["status"] == "failed" and state["steps"][0]["error"] == WORKER_DIED
    assert WORKER_DIED in state["error"]
    assert lock_holder(redis_client, project.id) is None
    # Retry runs the step again (fast now), through to a finished run.
    state, index = engine.retry_step(redis_client, run_id, provider=ProviderConfig("scripted"))
    assert index == 0
    for i in range(len(state.steps)):
        state = engine.step_phase(redis_client, run_id, i, generation=state.generation)
    state = engine.finish(redis_client, run_id)
    assert state.status == "done"
    assert lock_holder(redis_client, project.id) is None
