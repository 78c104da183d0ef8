"""`python -m vibecoder build "PROMPT"`: the whole builder protocol from the command line.

Runs the agent run's phases (the bodies of the Celery tasks in workers/agent.py) in this process,
or with `--worker` enqueues them on the `agent` queue and follows the project's event stream.
Writes the project (src/components/*.jsx, src/App.jsx, src/main.jsx, index.html, app.js,
app.css) to --out; `--json` prints the run summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from vibecoder.cli import register_commands
from vibecoder.infra import runtime

QUIET_EVENTS = {"token"}


def _print_event(event: dict) -> None:
    kind = event["type"]
    if kind in QUIET_EVENTS:
        return
    detail = {k: v for k, v in event.items() if k not in ("type", "run_id", "ts")}
    if kind == "plan":
        names = ", ".join(c["name"] for c in event["components"])
        print(f"plan ({event.get('intent')}, architect={event.get('architect')}): {names}")
        return
    if kind in ("validation_passed", "validation_failed"):
        detail = {
            k: detail.get(k) for k in ("component", "stage", "error", "bundle_ms", "render_ms")
        }
    print(f"{kind}: {json.dumps(detail)[:300]}", file=sys.stderr if kind == "error" else sys.stdout)


def _follow(events, after: str, *, quiet: bool) -> str:
    for event_id, event in events.read(after):
        after = event_id
        if not quiet:
            _print_event(event)
    return after


def _write_out(out: Path, version_id: int) -> list[str]:
    from vibecoder.builder.service.projects import version_bundle, version_files
    from vibecoder.infra.db import session_scope
    from vibecoder.models.builder import BuilderVersion

    with session_scope() as session:
        version = session.get(BuilderVersion, version_id)
        files = version_files(version)
        js, css = version_bundle(version)
    files["app.js"], files["app.css"] = js, css
    for path, content in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return sorted(files)


def _build(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from vibecoder.builder import engine
    from vibecoder.builder.llm import ProviderConfig, default_provider_name
    from vibecoder.builder.runtime import EventStream, ProjectBusy
    from vibecoder.builder.service import projects as builder_projects
    from vibecoder.cli import upgrade_database
    from vibecoder.infra.db import session_scope
    from vibecoder.infra.redis_client import get_redis
    from vibecoder.models.builder import BuilderProject

    provider = ProviderConfig(
        name=args.provider or default_provider_name(),
        model=args.model,
        base_url=args.base_url,
        faults=args.faults,
    )
    runtime.ensure_services()
    try:
        upgrade_database()
        client = get_redis()
        with session_scope() as session:
            if args.project:
                project = session.exec(
                    select(BuilderProject).where(BuilderProject.public_id == args.project)
                ).first()
                if project is None:
                    print(f"build: no project {args.project!r}", file=sys.stderr)
                    return 2
            else:
                owner = builder_projects.cli_owner(session)
                project = builder_projects.create_project(
                    session=session,
                    owner_id=owner.id,
                    name=args.prompt[:60],
                    provider=provider.name,
                )
            project_id, public_id = project.id, project.public_id
        if provider.name == "scripted" and not args.json:
            print("provider: Offline demo model (scripted)")
        try:
            state = engine.start_run(
                client,
                project_id=project_id,
                prompt=args.prompt,
                provider=provider,
                auto_approve=args.auto_approve,
                render=not args.no_render,
            )
        except ProjectBusy:
            print("build: the project is busy with another agent run", file=sys.stderr)
            return 3
        run_id = state.run_id
        events = EventStream(client, public_id)
        cursor = "0-0"
        if args.worker:
            state = _run_on_worker(client, run_id, events, args)
            cursor = _follow(events, cursor, quiet=args.json)
        else:
            state = engine.plan_phase(client, run_id)
            cursor = _follow(events, cursor, quiet=args.json)
            if state.status == "awaiting_approval":
                if not _confirm(args):
                    print("plan not approved; nothing built", file=sys.stderr)
                    state = engine.finish(client, run_id, state=state, status="not_approved")
                    if args.json:
                        print(json.dumps(engine.summary(state), indent=2))
                    return 4
                state = engine.approve(client, run_id)
            for index in range(len(state.steps)):
                if state.status != "running":
                    break
                state = engine.step_phase(client, run_id, index)
                cursor = _follow(events, cursor, quiet=args.json)
            state = engine.finish(client, run_id)
            cursor = _follow(events, cursor, quiet=args.json)
        summary = engine.summary(state)
        summary["project"] = public_id
        if args.out and state.version_id:
            summary["files"] = _write_out(Path(args.out), state.version_id)
            summary["out"] = str(Path(args.out).resolve())
        if args.json:
            print(json.dumps(summary, indent=2))
        else:
            print(
                f"{summary['status']}: version {summary['version_id']}, "
                f"tokens {summary['tokens']['input']} in / {summary['tokens']['output']} out"
                + (f", written to {summary['out']}" if "out" in summary else "")
            )
        ok = state.status in ("done", "answered")
        return 0 if ok else 1
    finally:
        runtime.stop_owned_services()


def _confirm(args: argparse.Namespace) -> bool:
    if args.auto_approve:
        return True
    if not sys.stdin.isatty():
        return False
    return input("Approve this plan? [y/N] ").strip().lower() in ("y", "yes")


def _run_on_worker(client, run_id: str, events, args):
    from vibecoder.builder.run.state import RunState
    from vibecoder.builder.service.queue import queue_approval, queue_plan

    queue_plan(run_id)
    deadline = time.monotonic() + args.timeout
    approved = False
    while time.monotonic() < deadline:
        state = RunState.load(client, run_id)
        if state is None:
            raise RuntimeError(f"run {run_id} vanished from Redis (was the database flushed?)")
        if state.status == "awaiting_approval" and not approved:
            if not _confirm(args):
                return state
            queue_approval(run_id)
            approved = True
        if state.status not in ("queued", "awaiting_approval", "running"):
            return state
        time.sleep(0.2)
    raise TimeoutError(f"the run did not finish in {args.timeout}s")


def add_builder_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="run the AI builder on a prompt (headless)")
    parser.add_argument("prompt")
    parser.add_argument(
        "--provider", choices=["scripted", "anthropic", "openai", "openai-compatible"]
    )
    parser.add_argument("--base-url", help="OpenAI-compatible server (Ollama, vLLM, LM Studio)")
    parser.add_argument("--model")
    parser.add_argument("--auto-approve", action="store_true", help="skip the plan approval")
    parser.add_argument("--out", help="write the project files and bundle here")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--project", help="continue an existing project (public id)")
    parser.add_argument("--faults", help="scripted model fault injection, e.g. Hero=cut:0.4")
    parser.add_argument("--no-render", action="store_true", help="skip the headless render")
    parser.add_argument("--worker", action="store_true", help="run on the Celery agent queue")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.set_defaults(handler=_build)


register_commands(add_builder_commands)
