"""The builder page's actions on a real Celery worker: an edited plan, retrying a failed step,
the project's model choice, and other users' projects refused."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from tests.conftest import wait_for, wait_for_run
from tests.fakes.commerce import make_user
from vibecoder.builder import engine
from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.planning import MAX_PLAN_COMPONENTS
from vibecoder.builder.runtime import EventStream, lock_holder
from vibecoder.builder.service import models as builder_models
from vibecoder.builder.service import projects as builder_projects
from vibecoder.builder.service import runs as builder_runs
from vibecoder.domain.errors import Conflict, NotFound, ValidationFailed
from vibecoder.models.builder import BuilderProject
from vibecoder.settings import get_settings

PROMPT = "A full landing page for a coffee roaster called Ember with products and a footer"


def _wait_for_done(stream: EventStream, *, after: str, timeout=60) -> list[dict]:
    """Events up to the run's closing "done" after event type `after`.

    The engine saves the final status before it releases the lock, charges the tokens and
    sends "done"; a browser waits for "done", and so do these tests.
    """
    deadline = time.monotonic() + timeout
    while True:
        events = [e for _, e in stream.read()]
        kinds = [e["type"] for e in events]
        if after in kinds and kinds[-1] == "done" and kinds.index(after) < len(kinds) - 1:
            return events
        assert time.monotonic() < deadline, kinds[-5:]
        time.sleep(0.05)


def _project(db, public_id) -> BuilderProject:
    db.expire_all()
    return db.exec(select(BuilderProject).where(BuilderProject.public_id == public_id)).one()


def _app_jsx(db, project) -> str:
    versions = builder_projects.list_versions(db, project.id)
    return builder_projects.version_files(versions[-1])["src/App.jsx"]


def test_edited_plan_is_checked_then_built_as_edited(db, redis_client, celery_worker):
    me = make_user(db, "me@example.com")
    other = make_user(db, "other@example.com")
    public_id, run_id = builder_runs.create_project(owner_id=me.id, name="Ember", prompt=PROMPT)
    state = wait_for_run(me.id, public_id, run_id, {"awaiting_approval", "failed"})
    assert [p["name"] for p in state["plan"]] == ["Navbar", "Hero", "ProductGrid", "Footer"]

    hero = {"name": "Hero", "purpose": "A bold headline about single-origin beans"}
    bad_plans = {
        "empty": [],
        "duplicate": [hero, hero],
        "too many": [{"name": f"Part{i}", "purpose": "x"} for i in range(MAX_PLAN_COMPONENTS + 1)],
        "not PascalCase": [{"name": "hero section", "purpose": "x"}],
        "no purpose": [{"name": "Hero", "purpose": "  "}],
    }
    for label, plan in bad_plans.items():
        with pytest.raises(ValidationFailed) as error:
            builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id, plan=plan)
        assert error.value.message.startswith("Plan: "), label
    # Nothing started: the plan still waits, unchanged.
    state = builder_runs.run_state(owner_id=me.id, public_id=public_id, run_id=run_id)
    assert state["status"] == "awaiting_approval"
    assert [p["name"] for p in state["plan"]] == ["Navbar", "Hero", "ProductGrid", "Footer"]
    with pytest.raises(NotFound):
        builder_runs.approve_plan(
            owner_id=other.id, public_id=public_id, run_id=run_id, plan=[hero]
        )

    # Reordered (Hero first), ProductGrid removed, a Newsletter step added.
    edited = [
        hero,
        {"name": "Navbar", "purpose": "Links to the sections"},
        {"name": "Newsletter", "purpose": "Sign up for roast announcements"},
        {"name": "Footer", "purpose": "Address and opening hours"},
    ]
    builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id, plan=edited)
    state = wait_for_run(me.id, public_id, run_id, {"done", "failed", "cancelled"})
    assert state["status"] == "done", state["error"]
    assert [s["name"] for s in state["steps"]] == ["Hero", "Navbar", "Newsletter", "Footer"]
    assert state["plan"][0]["purpose"] == hero["purpose"]
    app = _app_jsx(db, _project(db, public_id))
    assert "<ProductGrid />" not in app and "<Newsletter />" in app
    assert app.index("<Hero />") < app.index("<Navbar />")


def test_retry_runs_the_failed_step_again_with_the_projects_model(db, redis_client, celery_worker):
    me = make_user(db, "me@example.com")
    other = make_user(db, "other@example.com")
    project = builder_projects.create_project(
        session=db, owner_id=me.id, name="Ember", provider="scripted"
    )
    db.commit()
    # Every continuation of the Hero is cut too: recovery gives up and the step fails.
    state = engine.start_run(
        redis_client,
        project_id=project.id,
        prompt=PROMPT,
        provider=ProviderConfig("scripted", faults="Hero=cut!:0.4"),
        auto_approve=True,
    )
    run_id = state.run_id
    state = engine.run_inline(redis_client, run_id)
    assert state.status == "failed" and "Hero" in state.error
    assert [s.status for s in state.steps] == ["done", "failed", "pending", "pending"]
    stored = _project(db, project.public_id)
    assert stored.tokens_in + stored.tokens_out == state.tokens_in + state.tokens_out

    with pytest.raises(NotFound):
        builder_runs.retry_step(owner_id=other.id, public_id=project.public_id, run_id=run_id)
    stream = EventStream(redis_client, project.public_id)
    index = builder_runs.retry_step(owner_id=me.id, public_id=project.public_id, run_id=run_id)
    assert index == 1
    state = wait_for_run(me.id, project.public_id, run_id, {"done", "failed"})
    assert state["status"] == "done", state["error"]
    kinds = [e["type"] for e in _wait_for_done(stream, after="step_retry")]
    state = builder_runs.run_state(owner_id=me.id, public_id=project.public_id, run_id=run_id)
    assert [s["status"] for s in state["steps"]] == ["done"] * 4
    assert state["steps"][1]["retries"] == 1
    # The Navbar's version from before the failure is kept; the project pays each token once.
    versions = builder_projects.list_versions(db, project.id)
    assert [v.number for v in versions] == [1, 2, 3, 4]
    stored = _project(db, project.public_id)
    assert stored.tokens_in + stored.tokens_out == state["tokens_in"] + state["tokens_out"]
    assert lock_holder(redis_client, project.id) is None
    assert kinds.count("done") == 2  # the failed run's and the retried run's
    with pytest.raises(Conflict):
        builder_runs.retry_step(owner_id=me.id, public_id=project.public_id, run_id=run_id)


def test_model_choice_is_validated_persisted_and_used(db, redis_client, celery_worker, monkeypatch):
    me = make_user(db, "me@example.com")
    other = make_user(db, "other@example.com")
    with pytest.raises(ValidationFailed):
        builder_runs.create_project(
            owner_id=me.id, name="Ember", prompt=PROMPT, model_key="anthropic:claude-sonnet-4-5"
        )
    assert db.exec(select(BuilderProject)).all() == []  # nothing half-made
    public_id, run_id = builder_runs.create_project(owner_id=me.id, name="Ember", prompt=PROMPT)
    wait_for_run(me.id, public_id, run_id, {"awaiting_approval"})
    builder_runs.cancel_run(owner_id=me.id, public_id=public_id, run_id=run_id)
    wait_for_run(me.id, public_id, run_id, {"cancelled"})
    assert (_project(db, public_id).provider, _project(db, public_id).model) == (
        "scripted",
        builder_models.SCRIPTED_MODEL,
    )

    # No key configured: Anthropic is not offered and cannot be chosen.
    keys = [c.key for c in builder_models.model_choices()]
    assert keys == ["scripted:scripted-1", "scripted:scripted-1-recovery-drill"]
    for key in ("anthropic:claude-sonnet-4-5", "scripted:gpt-9", "", "scripted"):
        with pytest.raises(ValidationFailed):
            builder_models.set_project_model(owner_id=me.id, public_id=public_id, key=key)
    with pytest.raises(NotFound):
        builder_models.set_project_model(owner_id=other.id, public_id=public_id, key=keys[1])
    assert _project(db, public_id).model == builder_models.SCRIPTED_MODEL

    builder_models.set_project_model(owner_id=me.id, public_id=public_id, key=keys[1])
    assert _project(db, public_id).model == builder_models.SCRIPTED_DRILL_MODEL
    run_id = builder_runs.start_run(owner_id=me.id, public_id=public_id, prompt="A hero only")
    state = builder_runs.run_state(owner_id=me.id, public_id=public_id, run_id=run_id)
    assert state["provider"]["model"] == builder_models.SCRIPTED_DRILL_MODEL
    assert state["provider"]["faults"] == builder_models.DRILL_FAULTS
    wait_for_run(me.id, public_id, run_id, {"awaiting_approval"})
    builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id)
    state = wait_for_run(me.id, public_id, run_id, {"done", "failed"})
    assert state["status"] == "done", state["error"]
    assert state["steps"][0]["continuations"] == 1  # cut once, recovered

    # With a key configured the provider is offered first; a project on a provider the server
    # no longer has gets a clear error instead of a run.
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    get_settings.cache_clear()
    try:
        choices = builder_models.model_choices()
        assert choices[0].key == f"anthropic:{get_settings().anthropic_model}"
        assert not choices[0].offline and choices[-1].offline
        builder_models.set_project_model(owner_id=me.id, public_id=public_id, key=choices[0].key)
    finally:
        monkeypatch.delenv("ANTHROPIC_API_KEY")
        get_settings.cache_clear()
    with pytest.raises(ValidationFailed) as error:
        builder_runs.start_run(owner_id=me.id, public_id=public_id, prompt="A hero only")
    assert "not configured" in error.value.message
    assert _project(db, public_id).provider == "anthropic"


def test_cancel_stops_a_running_build(db, redis_client, celery_worker):
    me = make_user(db, "me@example.com")
    public_id, run_id = builder_runs.create_project(owner_id=me.id, name="Ember", prompt=PROMPT)
    wait_for_run(me.id, public_id, run_id, {"awaiting_approval"})
    builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id)
    stream = EventStream(redis_client, public_id)
    wait_for(
        lambda: any(e["type"] == "token" for _, e in stream.read()),
        timeout=60,
        message="no step started streaming",
    )
    builder_runs.cancel_run(owner_id=me.id, public_id=public_id, run_id=run_id)
    events = _wait_for_done(stream, after="token")
    assert [e["type"] for e in events[-2:]] == ["error", "done"]
    assert events[-1]["status"] == "cancelled"
    state = builder_runs.run_state(owner_id=me.id, public_id=public_id, run_id=run_id)
    assert state["status"] == "cancelled", state["error"]
    assert any(s["status"] != "done" for s in state["steps"])
    project = _project(db, public_id)
    assert lock_holder(redis_client, project.id) is None
    assert len(builder_projects.list_versions(db, project.id)) < len(state["steps"])
