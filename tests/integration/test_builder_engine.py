"""The builder run against real Postgres and Redis: lock, cancel, budget, versions, events, FIX."""

from __future__ import annotations

import pytest
from sqlmodel import select

from vibecoder.builder import engine
from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.runtime import EventStream, ProjectBusy, lock_holder, request_cancel
from vibecoder.builder.service import projects as builder_projects
from vibecoder.models.builder import BuilderMessage, BuilderProject, BuilderVersion

PROMPT = "A complete landing page for a bakery called Rise with products and a footer"


@pytest.fixture
def project(db):
    owner = builder_projects.cli_owner(db)
    project = builder_projects.create_project(
        session=db, owner_id=owner.id, name="Rise", provider="scripted"
    )
    db.commit()
    return project


def start(redis_client, project, faults=None, **kwargs):
    return engine.start_run(
        redis_client,
        project_id=project.id,
        prompt=kwargs.pop("prompt", PROMPT),
        provider=ProviderConfig("scripted", faults=faults),
        auto_approve=kwargs.pop("auto_approve", True),
        **kwargs,
    )


def events_of(redis_client, project):
    return [e for _, e in EventStream(redis_client, project.public_id).read()]


def test_run_builds_plan_steps_versions_and_events(db, redis_client, project):
    state = start(redis_client, project, faults="Hero=cut:0.5,ProductGrid=syntax")
    state = engine.run_inline(redis_client, state.run_id)
    assert state.status == "done", state.error
    assert [s.name for s in state.steps] == ["Navbar", "Hero", "ProductGrid", "Footer"]
    hero, grid = state.steps[1], state.steps[2]
    assert hero.continuations == 1 and hero.fixes == 0
    assert grid.fixes == 1 and not grid.validations[0]["ok"]
    assert grid.validations[0]["stage"] == "bundle" and grid.validations[-1]["ok"]
    versions = builder_projects.list_versions(db, project.id)
    assert [v.number for v in versions] == [1, 2, 3, 4]
    files = builder_projects.version_files(versions[-1])
    assert "price * ;" not in files["src/components/ProductGrid.jsx"]
    assert "<ProductGrid />" in files["src/App.jsx"]
    db.expire_all()
    stored = db.get(BuilderProject, project.id)
    assert stored.current_version_id == versions[-1].id
    assert stored.tokens_out == state.tokens_out > 0
    kinds = [e["type"] for e in events_of(redis_client, project)]
    for kind in (
        "plan",
        "step_started",
        "token",
        "component_closed",
        "truncation",
        "continuation",
        "validation_failed",
        "fix_started",
        "validation_passed",
        "version_created",
        "step_done",
        "done",
    ):
        assert kind in kinds, kind
    assert lock_holder(redis_client, project.id) is None
    roles = [m.role for m in db.exec(select(BuilderMessage).order_by(BuilderMessage.id)).all()]
    assert roles[0] == "user" and roles.count("assistant") >= 6


def test_second_run_is_told_the_project_is_busy(redis_client, project):
    first = start(redis_client, project)
    with pytest.raises(ProjectBusy):
        start(redis_client, project)
    request_cancel(redis_client, first.run_id)
    state = engine.run_inline(redis_client, first.run_id)
    assert state.status == "cancelled"
    assert lock_holder(redis_client, project.id) is None
    # The lock is free again.
    start(redis_client, project)


def test_fix_is_bounded_and_stops_on_repeated_error(db, redis_client, project):
    state = start(redis_client, project, faults="Hero=throw!", prompt="a hero section for my gym")
    state = engine.run_inline(redis_client, state.run_id)
    assert state.status == "failed"
    step = state.steps[0]
    assert step.fixes == 1 and "same error" in step.error
    assert "boom" in step.validations[0]["error"]
    # Nothing broken became a version.
    assert builder_projects.list_versions(db, project.id) == []


def test_token_budget_stops_a_runaway_run(monkeypatch, redis_client, project):
    monkeypatch.setenv("VIBECODER_BUILDER_RUN_TOKEN_BUDGET", "900")
    from vibecoder.settings import get_settings

    get_settings.cache_clear()
    try:
        state = start(redis_client, project, faults="*=cut!:0.3")
        state = engine.run_inline(redis_client, state.run_id)
    finally:
        get_settings.cache_clear()
    assert state.status == "budget_exceeded", (
        state.error,
        state.tokens_in,
        state.tokens_out,
    )
    assert "budget" in state.error
    assert state.tokens_in + state.tokens_out <= 900 + 400


def test_plan_waits_for_approval_and_accepts_an_edited_plan(redis_client, project):
    state = start(redis_client, project, auto_approve=False, render=False)
    state = engine.plan_phase(redis_client, state.run_id)
    assert state.status == "awaiting_approval"
    assert lock_holder(redis_client, project.id) is None
    edited = [{"name": "Hero", "purpose": "Big headline"}, {"name": "Footer", "purpose": "Links"}]
    state = engine.approve(redis_client, state.run_id, plan=edited)
    for index in range(2):
        state = engine.step_phase(redis_client, state.run_id, index)
    state = engine.finish(redis_client, state.run_id)
    assert state.status == "done" and state.order == ["Hero", "Footer"]


def test_modify_changes_only_the_component_concerned_and_restore(db, redis_client, project):
    state = engine.run_inline(redis_client, start(redis_client, project, render=False).run_id)
    assert state.status == "done"
    before = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    state = start(redis_client, project, prompt="Make the footer blue", render=False)
    state = engine.run_inline(redis_client, state.run_id)
    assert state.intent == "MODIFY" and [s.name for s in state.steps] == ["Footer"]
    after = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    assert set(after) == set(before)
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {"src/components/Footer.jsx"}
    assert "-blue-500" in after["src/components/Footer.jsx"]
    restored = builder_projects.restore_version(session=db, project_id=project.id, version_id=1)
    db.commit()
    assert restored.number == 6 and restored.restored_from_id == 1


def test_question_and_refusal_build_nothing(db, redis_client, project):
    state = start(redis_client, project, prompt="What does this builder do?")
    state = engine.run_inline(redis_client, state.run_id)
    assert state.status == "answered" and state.answer
    state = start(redis_client, project, prompt="a phishing page that steals passwords")
    state = engine.run_inline(redis_client, state.run_id)
    assert state.status == "refused"
    assert builder_projects.list_versions(db, project.id) == []


def test_redelivered_step_does_not_duplicate_its_version(db, redis_client, project):
    """A worker killed after storing a step's version but before saving the run state."""
    from vibecoder.builder import runtime

    state = start(redis_client, project, prompt="a hero section for my gym", render=False)
    state = engine.plan_phase(redis_client, state.run_id)
    saved = runtime.load_state(redis_client, state.run_id)
    state = engine.step_phase(redis_client, state.run_id, 0)
    assert state.steps[0].status == "done"
    # Redelivery sees the state as it was before the step (the save was lost with the worker).
    runtime.save_state(redis_client, saved)
    again = engine.step_phase(redis_client, state.run_id, 0)
    assert again.steps[0].version_id == state.steps[0].version_id
    # And a delivery after the state was saved just moves on.
    assert engine.step_phase(redis_client, state.run_id, 0).steps[0].status == "done"
    assert len(builder_projects.list_versions(db, project.id)) == 1
    assert engine.finish(redis_client, state.run_id).status == "done"


def _model_calls(state, purpose):
    return sum(c.purpose == purpose for c in state.calls)


def test_a_one_component_change_is_one_step_call_without_approval(db, redis_client, project):
    """ "make the hero background dark green": the Hero alone, no plan to approve, order kept."""
    state = engine.run_inline(redis_client, start(redis_client, project, render=False).run_id)
    before = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    state = start(
        redis_client,
        project,
        prompt="make the hero background dark green",
        render=False,
        auto_approve=False,  # what the browser does: it would stop here if approval were asked
    )
    state = engine.run_inline(redis_client, state.run_id)
    assert state.status == "done", state.error
    assert [s.name for s in state.steps] == ["Hero"]
    assert _model_calls(state, "step") == 1 and _model_calls(state, "fix") == 0
    after = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {"src/components/Hero.jsx"}  # every other file byte-identical
    assert after["src/App.jsx"] == before["src/App.jsx"]  # the page order is kept
    hero = after["src/components/Hero.jsx"]
    assert "bg-zinc-950" in hero and "-emerald-" in hero and "-amber-" not in hero
    kinds = [e["type"] for e in events_of(redis_client, project)]
    assert "change_plan" in kinds


def test_adding_or_removing_a_component_asks_for_approval(db, redis_client, project):
    state = engine.run_inline(redis_client, start(redis_client, project, render=False).run_id)
    before = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    db.expire_all()
    order = builder_projects.current_components(db, db.get(BuilderProject, project.id))[0]
    state = start(
        redis_client, project, prompt="add a FAQ section", render=False, auto_approve=False
    )
    state = engine.plan_phase(redis_client, state.run_id)
    assert state.status == "awaiting_approval" and [p.name for p in state.plan] == ["FAQ"]
    state = engine.approve(redis_client, state.run_id)
    state = engine.step_phase(redis_client, state.run_id, 0)
    state = engine.finish(redis_client, state.run_id)
    assert state.status == "done", state.error
    after = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    assert "src/components/FAQ.jsx" in after
    for path, text in before.items():
        if path.startswith("src/components/"):
            assert after[path] == text
    db.expire_all()
    new_order = builder_projects.current_components(db, db.get(BuilderProject, project.id))[0]
    assert new_order == [*order[:-1], "FAQ", order[-1]]  # before the footer, the rest in place

    state = start(redis_client, project, prompt="remove the FAQ", render=False, auto_approve=False)
    state = engine.plan_phase(redis_client, state.run_id)
    assert state.status == "awaiting_approval" and state.removed == ["FAQ"]
    engine.approve(redis_client, state.run_id)
    state = engine.run_inline(redis_client, state.run_id)
    state = engine.finish(redis_client, state.run_id)
    assert state.status == "done", state.error
    assert _model_calls(state, "step") == 0
    final = builder_projects.version_files(db.get(BuilderVersion, state.version_id))
    assert final == before  # back to the page as it was, byte for byte


def test_a_question_is_answered_from_the_projects_code(db, redis_client, project):
    prompt = "A complete landing page for a bakery called Rise with products, pricing and a footer"
    engine.run_inline(
        redis_client, start(redis_client, project, prompt=prompt, render=False).run_id
    )
    state = start(redis_client, project, prompt="What does the pricing component show?")
    state = engine.run_inline(redis_client, state.run_id)
    assert state.status == "answered"
    answer = state.answer
    assert "What does the pricing" not in answer  # no echo
    assert "Pricing" in answer and "$9" in answer and "$19" in answer and "$39" in answer
    assert '"Simple pricing"' in answer
