"""/build's actions on a real Celery worker: new project, plan, approve, version; cancel; owners."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_run
from tests.fakes.commerce import make_user
from vibecoder.builder.runtime import lock_holder
from vibecoder.builder.service import runs as builder_runs
from vibecoder.builder.service.listing import list_projects
from vibecoder.builder.service.preview import preview_page
from vibecoder.errors import Conflict, NotFound, ValidationFailed
from vibecoder.models.builder import BuilderMessage, BuilderProject

PROMPT = "A full landing page for a coffee roaster called Ember with products and a footer"


def test_new_project_plan_approve_build_and_preview(db, redis_client, celery_worker):
    me = make_user(db, "me@example.com")
    other = make_user(db, "other@example.com")
    public_id, run_id = builder_runs.create_project(owner_id=me.id, name="Ember", prompt=PROMPT)

    state = wait_for_run(me.id, public_id, run_id, {"awaiting_approval", "failed"})
    assert state["status"] == "awaiting_approval", state["error"]
    assert [p["name"] for p in state["plan"]] == ["Navbar", "Hero", "ProductGrid", "Footer"]
    # Someone else can neither see, approve nor cancel the run.
    for action in (builder_runs.run_state, builder_runs.approve_plan, builder_runs.cancel_run):
        with pytest.raises(NotFound):
            action(owner_id=other.id, public_id=public_id, run_id=run_id)

    builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id)
    state = wait_for_run(me.id, public_id, run_id, {"done", "failed", "cancelled"})
    assert state["status"] == "done", state["error"]
    with pytest.raises(Conflict):
        builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id)

    (row,) = list_projects(db, owner_id=me.id).rows
    assert (row.public_id, row.name, row.latest_version) == (public_id, "Ember", row.versions)
    page = preview_page(
        db, user_id=me.id, public_id=public_id, number=row.latest_version, frame_ancestors="x"
    )
    assert page is not None and "Ember" in page.html
    project = db.exec(select_project(public_id)).one()
    roles = [m.role for m in db.exec(messages_of(project.id)).all()]
    assert roles[0] == "user"


def test_a_one_component_change_on_the_worker_needs_no_approval(db, redis_client, celery_worker):
    """What the browser's chat does: the change runs at once, one step, the Hero only."""
    me = make_user(db, "me@example.com")
    public_id, run_id = builder_runs.create_project(owner_id=me.id, name="Ember", prompt=PROMPT)
    wait_for_run(me.id, public_id, run_id, {"awaiting_approval"})
    builder_runs.approve_plan(owner_id=me.id, public_id=public_id, run_id=run_id)
    assert wait_for_run(me.id, public_id, run_id, {"done", "failed"})["status"] == "done"
    run_id = builder_runs.start_run(
        owner_id=me.id, public_id=public_id, prompt="make the hero background dark green"
    )
    state = wait_for_run(me.id, public_id, run_id, {"done", "failed", "awaiting_approval"})
    assert state["status"] == "done", state["error"]
    assert [s["name"] for s in state["steps"]] == ["Hero"]
    assert [c["purpose"] for c in state["calls"]] == ["intent", "change", "step"]


def test_cancel_a_plan_frees_the_project(db, redis_client, celery_worker):
    me = make_user(db, "me@example.com")
    public_id, run_id = builder_runs.create_project(owner_id=me.id, name="", prompt=PROMPT)
    assert list_projects(db, owner_id=me.id).rows[0].name == PROMPT[:60]
    wait_for_run(me.id, public_id, run_id, {"awaiting_approval"})
    builder_runs.cancel_run(owner_id=me.id, public_id=public_id, run_id=run_id)
    assert wait_for_run(me.id, public_id, run_id, {"cancelled"})["status"] == "cancelled"
    project = db.exec(select_project(public_id)).one()
    assert lock_holder(redis_client, project.id) is None
    again = builder_runs.start_run(owner_id=me.id, public_id=public_id, prompt="A hero only")
    assert again != run_id
    # Leave nothing running for the next test.
    wait_for_run(me.id, public_id, again, {"awaiting_approval", "done", "answered", "failed"})
    builder_runs.cancel_run(owner_id=me.id, public_id=public_id, run_id=again)


def test_prompts_are_checked(db):
    me = make_user(db, "me@example.com")
    for prompt in ("", "   ", "x" * (builder_runs.MAX_PROMPT_CHARS + 1)):
        with pytest.raises(ValidationFailed):
            builder_runs.create_project(owner_id=me.id, name="n", prompt=prompt)
    assert list_projects(db, owner_id=me.id).total == 0


def select_project(public_id):
    from sqlmodel import select

    return select(BuilderProject).where(BuilderProject.public_id == public_id)


def messages_of(project_id):
    from sqlmodel import select

    return (
        select(BuilderMessage)
        .where(BuilderMessage.project_id == project_id)
        .order_by(BuilderMessage.id)
    )
