"""A failure of the builder's own tools is not a code error: no FIX call, no fix tokens.

The tools are made really unavailable, the way a fresh machine would have them: the build runs
in its own process (`python -m vibecoder build`, the offline scripted model) with
VIBECODER_CHROMIUM or VIBECODER_ESBUILD pointing at a path where nothing is installed.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import run_cli
from vibecoder.builder import engine
from vibecoder.builder.runtime import load_state, lock_holder
from vibecoder.builder.service import projects as builder_projects

PROMPT = "a hero section for my gym"


def build_without(variable: str, path: str) -> dict:
    env = dict(os.environ, **{variable: path})
    result = run_cli("build", PROMPT, "--provider", "scripted", "--auto-approve", "--json", env=env)
    assert result.returncode == 1, result.stderr[-2000:]
    return json.loads(result.stdout)


def assert_failed_first_step_without_fix(summary: dict) -> dict:
    assert summary["status"] == "failed"
    step = summary["steps"][0]
    assert step["status"] == "failed" and step["fixes"] == 0
    purposes = [call["purpose"] for call in summary["calls"]]
    # The step's own answer was asked for; nothing was sent back to the model to "fix".
    assert purposes[-1] == "step" and "fix" not in purposes
    assert summary["tokens"]["fix"] == 0
    assert "not of the generated code" in summary["error"]
    assert "retry" in summary["error"]
    assert summary["version_id"] is None
    return step


def test_missing_renderer_ends_the_step_at_once_and_can_be_retried(services, redis_client):
    summary = build_without("VIBECODER_CHROMIUM", "/nonexistent/chromium")
    step = assert_failed_first_step_without_fix(summary)
    assert summary["error"].startswith(
        "step 1 (Hero) failed: the preview renderer (Chromium, /nonexistent/chromium) could not "
        "start: "
    )
    assert step["error"] in summary["error"]
    # The project is free again and the step is retryable; here the browser is installed.
    state = load_state(redis_client, summary["run_id"])
    assert lock_holder(redis_client, state["project_id"]) is None
    state, index = engine.retry_step(redis_client, summary["run_id"])
    state = engine.step_phase(redis_client, summary["run_id"], index, state.generation)
    state = engine.finish(redis_client, summary["run_id"])
    assert state.status == "done", state.error
    assert state.steps[0].fixes == 0 and state.fix_tokens == 0
    assert [c.purpose for c in state.calls].count("fix") == 0
    from vibecoder.infra.db import session_scope

    with session_scope() as session:
        assert len(builder_projects.list_versions(session, state.project_id)) == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/nonexistent/esbuild", "esbuild not found at VIBECODER_ESBUILD=/nonexistent/esbuild. "),
        # Installed but broken: the warm bundler sees its esbuild service die, the one-shot
        # esbuild exits 1 without a word; neither is a code error.
        ("/bin/false", "the bundler (esbuild) failed with exit 1. "),
    ],
)
def test_missing_or_broken_bundler_ends_the_step_at_once(services, redis_client, path, message):
    summary = build_without("VIBECODER_ESBUILD", path)
    assert_failed_first_step_without_fix(summary)
    assert summary["error"].startswith(f"step 1 (Hero) failed: {message}")


def test_broken_renderer_ends_the_step_at_once(services, redis_client):
    # An executable that is not a browser: Playwright's launch fails, the code is not blamed.
    summary = build_without("VIBECODER_CHROMIUM", "/bin/false")
    assert_failed_first_step_without_fix(summary)
    assert summary["error"].startswith(
        "step 1 (Hero) failed: the preview renderer (Chromium, /bin/false) could not start: "
    )
