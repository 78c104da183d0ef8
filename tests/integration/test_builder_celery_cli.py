"""The builder end to end: a real Celery worker on the agent queue, and the `build` command."""

from __future__ import annotations

import json
import time

from tests.conftest import run_cli
from vibecoder.builder import engine
from vibecoder.builder.llm import ProviderConfig
from vibecoder.builder.runtime import EventStream, load_state, lock_holder
from vibecoder.builder.service import projects as builder_projects
from vibecoder.models.builder import BuilderVersion

PROMPT = "A full landing page for a coffee roaster called Ember with products and a footer"


def test_prompt_to_validated_bundle_through_the_worker(db, redis_client, celery_worker):
    from workers.agent import plan_run

    owner = builder_projects.cli_owner(db)
    project = builder_projects.create_project(
        session=db, owner_id=owner.id, name="Ember", provider="scripted"
    )
    db.commit()
    state = engine.start_run(
        redis_client,
        project_id=project.id,
        prompt=PROMPT,
        provider=ProviderConfig("scripted", faults="Hero=cut:0.6,Footer=bad_import"),
        auto_approve=True,
    )
    run_id = state.run_id
    plan_run.delay(run_id)
    stream = EventStream(redis_client, project.public_id)
    seen, cursor, deadline = [], "0-0", time.monotonic() + 180
    while time.monotonic() < deadline:
        for event_id, event in stream.wait(cursor, block_ms=500):
            cursor = event_id
            seen.append(event)
        if seen and seen[-1]["type"] == "done":
            break
    state = load_state(redis_client, run_id)
    assert state["status"] == "done", (state["error"], [e["type"] for e in seen][-10:])
    assert [s["name"] for s in state["steps"]] == ["Navbar", "Hero", "ProductGrid", "Footer"]
    assert all(s["status"] == "done" for s in state["steps"])
    assert state["steps"][1]["continuations"] == 1 and state["steps"][3]["fixes"] == 1
    version = db.get(BuilderVersion, state["version_id"])
    js, css = builder_projects.version_bundle(version)
    assert "Ember" in js and len(js) > 100_000 and ".bg-amber-600" in css
    assert lock_holder(redis_client, project.id) is None
    # A browser that reconnects after the plan replays everything since.
    plan_id = next(i for i, e in stream.read() if e["type"] == "plan")
    replay = [e["type"] for _, e in stream.read(plan_id)]
    assert replay[0] != "plan" and replay[-1] == "done" and "step_done" in replay


def test_build_command_writes_the_project_and_prints_json(services, tmp_path):
    out = tmp_path / "site"
    result = run_cli(
        "build",
        "A storefront for a plant shop called Fern with products, FAQ and a footer",
        "--auto-approve",
        "--json",
        "--out",
        str(out),
        "--faults",
        "ProductGrid=drop:0.5",
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["status"] == "done" and summary["intent"] == "BUILD"
    assert [s["name"] for s in summary["plan"]] == [
        "Navbar",
        "Hero",
        "ProductGrid",
        "FAQ",
        "Footer",
    ]
    grid = summary["steps"][2]
    assert grid["continuations"] == 1 and grid["validations"][-1]["ok"]
    assert summary["tokens"]["output"] > 0 and summary["tokens"]["recovery"] > 0
    assert summary["version_id"] and summary["provider"] == "scripted"
    for path in ("src/App.jsx", "src/components/FAQ.jsx", "index.html", "app.js", "app.css"):
        assert (out / path).is_file(), path
    assert "Fern" in (out / "src/components/Navbar.jsx").read_text()


def test_build_project_changes_one_component_with_one_step_call(services, tmp_path):
    """`build --project ID "make the hero background dark green"`: no plan to approve (stdin
    is empty, as in a script), one step call, every other file byte-identical, order kept."""
    first, second = tmp_path / "v1", tmp_path / "v2"
    prompt = "A storefront for a bike repair shop called Spoke & Chain with services and FAQ"
    result = run_cli(
        "build",
        prompt,
        "--auto-approve",
        "--no-render",
        "--json",
        "--out",
        str(first),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    project = json.loads(result.stdout)["project"]
    result = run_cli(
        "build",
        "make the hero background dark green",
        "--project",
        project,
        "--no-render",
        "--json",
        "--out",
        str(second),
        input="",
        timeout=300,
    )
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    summary = json.loads(result.stdout)
    assert summary["intent"] == "MODIFY" and [s["name"] for s in summary["steps"]] == ["Hero"]
    assert [c["purpose"] for c in summary["calls"]].count("step") == 1
    before = {p.relative_to(first): p.read_bytes() for p in (first / "src").rglob("*.jsx")}
    after = {p.relative_to(second): p.read_bytes() for p in (second / "src").rglob("*.jsx")}
    assert before.keys() == after.keys()
    changed = sorted(str(p) for p in before if before[p] != after[p])
    assert changed == ["src/components/Hero.jsx"]


def test_build_command_without_approval_stops_after_the_plan(services, tmp_path):
    result = run_cli("build", "a full page for my bakery", "--json", input="", timeout=120)
    assert result.returncode == 4
    summary = json.loads(result.stdout)
    assert summary["status"] == "not_approved" and len(summary["plan"]) >= 3


def test_build_command_on_the_worker(services, celery_worker, tmp_path):
    result = run_cli(
        "build",
        "a full page for a tea shop with products and a footer",
        "--auto-approve",
        "--worker",
        "--no-render",
        "--json",
        timeout=300,
    )
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    summary = json.loads(result.stdout)
    assert summary["status"] == "done"
    assert summary["provider_label"] == "Offline demo model (scripted)"
    assert all(s["status"] == "done" for s in summary["steps"])


def test_worker_killed_mid_step_is_redelivered_without_a_second_version(
    db, redis_client, celery_worker
):
    import psutil

    from workers.agent import plan_run

    owner = builder_projects.cli_owner(db)
    project = builder_projects.create_project(
        session=db, owner_id=owner.id, name="kill", provider="scripted"
    )
    db.commit()
    state = engine.start_run(
        redis_client,
        project_id=project.id,
        prompt="a full page for a bookshop with products and a footer",
        provider=ProviderConfig("scripted", delay=0.01, chunk_chars=24),
        auto_approve=True,
        render=False,
    )
    plan_run.delay(state.run_id)
    stream = EventStream(redis_client, project.public_id)
    cursor, killed, deadline = "0-0", [], time.monotonic() + 240
    while time.monotonic() < deadline:
        for event_id, event in stream.wait(cursor, block_ms=300):
            cursor = event_id
            if event["type"] == "token" and event.get("index") == 1 and not killed:
                # The pool process streaming step 2 dies; the worker requeues its task.
                for child in psutil.Process(celery_worker.pid).children():
                    child.kill()
                    killed.append(child.pid)
            if event["type"] == "done":
                deadline = 0
    assert killed
    state = load_state(redis_client, state.run_id)
    assert state["status"] == "done", state["error"]
    versions = builder_projects.list_versions(db, project.id)
    assert len(versions) == len(state["steps"]) == 4
    assert sorted(v.run_key for v in versions) == [f"{state['run_id']}:{i}" for i in range(4)]
