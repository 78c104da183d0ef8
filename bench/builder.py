"""Builder benchmark: truncation recovery, added latency per step, tokens spent on recovery.

    python -m bench.builder            (or `make bench-builder`)

1. Recovery and latency (no database, no render): every plan step of PROMPTS, for SEEDS seeds,
   with the scripted model injecting a random fault into half the steps (cut by the output
   limit, dropped connection, missing sentinel, missing END marker at random positions; syntax
   error, missing module). A truncated step counts as recovered when the ghost fixer's stitched
   component passes the standalone check and bundles (esbuild + Tailwind). Added latency per
   step = our own time for the step: marker parsing, truncation scans, stitching, the standalone
   check and the bundle (the scripted model streams instantly, so its time is ~0 and included).
0. The realistic suite (tests/fakes/realistic_model.py): a model that misbehaves like real ones,
   over the OpenAI wire protocol; every case's intended component is known, so recovered steps
   are counted correct only when their text matches. Reported apart from the oracle figures.
2. Whole runs (embedded Postgres + Redis, headless render on): each prompt built clean and with
   random faults (all kinds, render-time throws included) through the engine's phases, exactly
   as the worker runs them: run time, steps needing FIX, tokens of the faulted runs against the
   clean ones; then one MODIFY of a named component ("make the hero background dark green"):
   model calls and which files changed.

Parts 1 and 2 use the offline scripted model, an ORACLE: its continuation returns exactly the
rest of the answer it already knows, and its fixes are clean. They measure the plumbing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import print_table, start_services, stop_services, summary_ms, write_result

SEEDS = int(os.environ.get("BENCH_BUILDER_SEEDS", "6"))
FAULT_RATE = float(os.environ.get("BENCH_BUILDER_FAULT_RATE", "0.5"))
RUN_PROMPTS = int(os.environ.get("BENCH_BUILDER_RUN_PROMPTS", "8"))
PROMPTS = [
    "A full landing page for a coffee roaster called Ember with products, testimonials and FAQ",
    "A storefront for a plant shop called Fern & Co with products, gallery and contact",
    "A complete site for a yoga studio with features, pricing, testimonials and contact",
    "A dark landing page for an AI startup called Launchpad with features, pricing and FAQ",
    "A bookshop storefront called Paper Lantern with products, reviews and a footer",
    "A full page for a bakery called Rise with products, gallery, FAQ and contact",
    "A jewelry store called Aurum, violet, with products, testimonials and pricing",
    "A photography portfolio with a gallery, testimonials and a contact form",
]
# Faults the bundler must catch; a throw at render time is the headless render's job (part 2).
BUNDLE_KINDS = {"syntax", "bad_import"}


def recovery_and_latency() -> dict:
    from vibecoder.builder import prompts, shadow
    from vibecoder.builder.llm import collect
    from vibecoder.builder.llm.scripted import FaultPlan, ScriptedProvider
    from vibecoder.builder.llm.scripted import templates as sections
    from vibecoder.builder.steps import interface_of, run_step

    step_seconds, clean_seconds, truncated_seconds, bundle_seconds = [], [], [], []
    parse_seconds = []
    truncated = recovered = continuations = 0
    code_faults = code_caught = 0
    by_kind: dict[str, list[int]] = {}
    shadow.fast_bundle(shadow.assemble({"A": "export default () => <p>a</p>;\n"}, ["A"], title="w"))
    for seed in range(SEEDS):
        for prompt in PROMPTS:
            faults = FaultPlan(random_rate=FAULT_RATE, seed=seed)
            provider = ScriptedProvider(faults=faults, chunk_chars=16)
            names = [s.name for s in sections.plan_for(prompt)]
            done: dict[str, str] = {}
            for name in names:
                fault = faults.for_step(name)
                request = prompts.step_request(
                    prompt,
                    name=name,
                    purpose=sections.SECTIONS[name].purpose,
                    plan_names=names,
                    interfaces={n: interface_of(c, n) for n, c in done.items()},
                )
                started = time.perf_counter()
                outcome = run_step(
                    lambda r, cb, p=provider: collect(p, r, cb),
                    request,
                    prompt=prompt,
                    name=name,
                    plan_names=names,
                    emit=lambda kind, data: None,
                )
                parsed = time.perf_counter() - started
                candidate = {**done, name: outcome.code} if outcome.ok else None
                ok = outcome.ok
                if candidate is not None:
                    files = shadow.assemble(candidate, list(candidate), title=prompt)
                    built = shadow.fast_bundle(files)
                    bundle_seconds.append(built.bundle_seconds)
                    ok = built.ok
                elapsed = time.perf_counter() - started
                step_seconds.append(elapsed)
                parse_seconds.append(parsed)
                if outcome.truncations:
                    truncated += 1
                    recovered += int(ok)
                    continuations += outcome.continuations
                    truncated_seconds.append(elapsed)
                elif fault is None:
                    clean_seconds.append(elapsed)
                if fault is not None:
                    by_kind.setdefault(fault.kind, [0, 0])
                    by_kind[fault.kind][0] += 1
                    by_kind[fault.kind][1] += int(ok)
                    if fault.kind in BUNDLE_KINDS:
                        code_faults += 1
                        code_caught += int(not ok)
                if ok:
                    done[name] = outcome.code
                else:
                    # The real engine would FIX here; the clean component keeps later steps real.
                    done[name] = sections.write_section(name, prompt, names)
    return {
        "steps": len(step_seconds),
        "truncated_steps": truncated,
        "recovered_steps": recovered,
        "recovery_rate": round(recovered / truncated, 4) if truncated else None,
        "continuations": continuations,
        "bundle_faults": code_faults,
        "bundle_faults_caught": code_caught,
        "faults_by_kind": {k: {"steps": v[0], "valid_after": v[1]} for k, v in by_kind.items()},
        "added_latency_per_step": summary_ms(step_seconds),
        "added_latency_clean_steps": summary_ms(clean_seconds),
        "added_latency_truncated_steps": summary_ms(truncated_seconds),
        "parse_and_stitch": summary_ms(parse_seconds),
        "bundle": summary_ms(bundle_seconds),
    }


def realistic_suite() -> dict:
    """The realistic misbehaviour suite (tests/fakes/realistic_model.py), over the OpenAI wire.

    Unlike the oracle above, this model resumes from where it stopped and repeats, re-fences,
    apologises or restarts; every case knows its intended component, so a recovery counts as
    correct only when the text matches (modulo whitespace).
    """
    from tests.fakes.realistic_model import CASES, run_case

    rows = []
    for case in CASES:
        started = time.perf_counter()
        result = run_case(case, render="hallucinated_prop" in case.step)
        rows.append(
            {
                "case": case.key,
                "outcome": result.outcome,
                "cuts": result.cuts,
                "continuations": result.continuations,
                "fixes": result.fixes,
                "calls": result.calls,
                "recovery_tokens": result.recovery_tokens,
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
    faulted = [r for r in rows if r["case"] != "clean"]
    cut = [r for r in faulted if r["cuts"]]
    return {
        "cases": rows,
        "faulted_steps": len(faulted),
        "correct": sum(r["outcome"] == "correct" for r in faulted),
        "wrong": sum(r["outcome"] == "wrong" for r in faulted),
        "failed_visibly": sum(r["outcome"] == "failed" for r in faulted),
        "cuts": sum(r["cuts"] for r in cut),
        "continuations": sum(r["continuations"] for r in cut),
        "continuations_per_cut": round(
            sum(r["continuations"] for r in cut) / max(1, sum(r["cuts"] for r in cut)), 3
        ),
        "calls_per_faulted_step": round(statistics.fmean(r["calls"] for r in faulted), 3),
        "recovery_tokens_per_cut": round(
            sum(r["recovery_tokens"] for r in cut) / max(1, sum(r["cuts"] for r in cut)), 1
        ),
    }


def _modify_cost(client, engine, builder_projects, project_id: int) -> dict:
    """One named-component change on a built page: model calls and bytes changed."""
    from vibecoder.builder.llm import ProviderConfig
    from vibecoder.infra.db import session_scope
    from vibecoder.models.builder import BuilderProject, BuilderVersion

    with session_scope() as session:
        project = session.get(BuilderProject, project_id)
        before = builder_projects.version_files(
            session.get(BuilderVersion, project.current_version_id)
        )
    state = engine.start_run(
        client,
        project_id=project_id,
        prompt="make the hero background dark green",
        provider=ProviderConfig("scripted"),
        render=False,
    )
    state = engine.run_inline(client, state.run_id)
    with session_scope() as session:
        after = builder_projects.version_files(session.get(BuilderVersion, state.version_id))
    changed = [p for p in before if before[p] != after.get(p)]
    return {
        "status": state.status,
        "step_calls": sum(c.purpose == "step" for c in state.calls),
        "model_calls": len(state.calls),
        "calls_by_purpose": [c.purpose for c in state.calls],
        "files_changed": changed,
        "bytes_before": sum(len(v.encode()) for v in before.values()),
        "bytes_changed_files": sum(len(after[p].encode()) for p in changed),
        "other_files_identical": all(before[p] == after[p] for p in before if p not in changed),
    }


def whole_runs(tmp: Path) -> dict:
    start_services(tmp / "data")
    try:
        from vibecoder.builder import engine
        from vibecoder.builder.llm import ProviderConfig
        from vibecoder.builder.service import projects as builder_projects
        from vibecoder.cli import upgrade_database
        from vibecoder.infra.db import session_scope
        from vibecoder.infra.redis_client import get_redis

        upgrade_database()
        client = get_redis()
        results: dict[str, list[dict]] = {"clean": [], "faulted": []}
        modify_project = 0
        for index, prompt in enumerate(PROMPTS[:RUN_PROMPTS]):
            for label, faults in (("clean", None), ("faulted", f"random:{FAULT_RATE}:{index}")):
                with session_scope() as session:
                    owner = builder_projects.cli_owner(session)
                    project = builder_projects.create_project(
                        session=session, owner_id=owner.id, name=prompt[:40], provider="scripted"
                    )
                    project_id = project.id
                started = time.perf_counter()
                state = engine.start_run(
                    client,
                    project_id=project_id,
                    prompt=prompt,
                    provider=ProviderConfig("scripted", faults=faults),
                    auto_approve=True,
                )
                state = engine.run_inline(client, state.run_id)
                if label == "clean" and state.status == "done":
                    modify_project = project_id
                results[label].append(
                    {
                        "status": state.status,
                        "seconds": time.perf_counter() - started,
                        "steps": len(state.steps),
                        "tokens": state.tokens_in + state.tokens_out,
                        "recovery_tokens": state.recovery_tokens,
                        "fix_tokens": state.fix_tokens,
                        "fixes": sum(s.fixes for s in state.steps),
                        "continuations": sum(s.continuations for s in state.steps),
                        "validations": [v for s in state.steps for v in s.validations],
                    }
                )
        modify = _modify_cost(client, engine, builder_projects, modify_project)
        clean, faulted = results["clean"], results["faulted"]
        renders = [v["render_ms"] for r in clean for v in r["validations"] if v["render_ms"]]
        clean_tokens = sum(r["tokens"] for r in clean)
        faulted_tokens = sum(r["tokens"] for r in faulted)
        return {
            "modify": modify,
            "runs": len(clean),
            "clean_done": sum(r["status"] == "done" for r in clean),
            "faulted_done": sum(r["status"] == "done" for r in faulted),
            "faulted_statuses": [r["status"] for r in faulted],
            "clean_run_seconds_p50": round(statistics.median(r["seconds"] for r in clean), 2),
            "faulted_run_seconds_p50": round(statistics.median(r["seconds"] for r in faulted), 2),
            "steps_per_run_mean": round(statistics.fmean(r["steps"] for r in clean), 2),
            "render_ms": summary_ms([ms / 1000 for ms in renders]),
            "clean_tokens": clean_tokens,
            "faulted_tokens": faulted_tokens,
            "recovery_tokens": sum(r["recovery_tokens"] for r in faulted),
            "fix_tokens": sum(r["fix_tokens"] for r in faulted),
            "token_overhead_percent": round(
                100 * (faulted_tokens - clean_tokens) / clean_tokens, 1
            ),
            "fixes": sum(r["fixes"] for r in faulted),
            "failed_validations_by_stage": {
                stage: sum(
                    1
                    for r in faulted
                    for v in r["validations"]
                    if not v["ok"] and v["stage"] == stage
                )
                for stage in ("component", "bundle", "render")
            },
            "continuations": sum(r["continuations"] for r in faulted),
        }
    finally:
        stop_services()


def main() -> None:
    realistic = realistic_suite()
    recovery = recovery_and_latency()
    tmp = Path(tempfile.mkdtemp(prefix="bench-builder-"))
    try:
        runs = whole_runs(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    path = write_result(
        "builder",
        {
            "fault_rate": FAULT_RATE,
            "seeds": SEEDS,
            "oracle_recovery": recovery,
            "realistic_suite": realistic,
            "runs": runs,
        },
    )
    lat = recovery["added_latency_per_step"]
    rows = [
        ("steps (scripted, random faults)", str(recovery["steps"])),
        (
            "truncated steps recovered",
            f"{recovery['recovered_steps']}/{recovery['truncated_steps']} "
            f"({100 * (recovery['recovery_rate'] or 0):.1f}%)",
        ),
        (
            "syntax / missing-module faults stopped",
            f"{recovery['bundle_faults_caught']}/{recovery['bundle_faults']}",
        ),
        ("added latency per step p50/p95", f"{lat['p50_ms']} / {lat['p95_ms']} ms"),
        (
            "  truncated steps p50/p95",
            f"{recovery['added_latency_truncated_steps']['p50_ms']} / "
            f"{recovery['added_latency_truncated_steps']['p95_ms']} ms",
        ),
        (
            "  parse + stitch p50",
            f"{recovery['parse_and_stitch']['p50_ms']} ms",
        ),
        ("  bundle (esbuild + Tailwind) p50", f"{recovery['bundle']['p50_ms']} ms"),
        (
            "headless render p50/p95",
            f"{runs['render_ms']['p50_ms']} / {runs['render_ms']['p95_ms']} ms",
        ),
        (
            "whole runs done clean / faulted",
            f"{runs['clean_done']} / {runs['faulted_done']} of {runs['runs']}",
        ),
        (
            "run time p50 clean / faulted",
            f"{runs['clean_run_seconds_p50']} / {runs['faulted_run_seconds_p50']} s",
        ),
        (
            "tokens clean / faulted",
            f"{runs['clean_tokens']} / {runs['faulted_tokens']} "
            f"(+{runs['token_overhead_percent']}%)",
        ),
        ("  of which continuations / fixes", f"{runs['recovery_tokens']} / {runs['fix_tokens']}"),
        (
            "faulted runs: failed checks component/bundle/render",
            "/".join(str(v) for v in runs["failed_validations_by_stage"].values())
            + f", fixed by {runs['fixes']} FIX calls",
        ),
    ]
    print_table("Builder, ORACLE: scripted model, faults injected (plumbing)", rows)
    modify = runs["modify"]
    real_rows = [
        ("faulted steps (each misbehaviour alone and combined)", str(realistic["faulted_steps"])),
        ("  exactly the intended text", str(realistic["correct"])),
        ("  done but wrong text (corrupted)", str(realistic["wrong"])),
        ("  failed visibly", str(realistic["failed_visibly"])),
        (
            "continuations per cut",
            f"{realistic['continuations_per_cut']} ({realistic['continuations']} for "
            f"{realistic['cuts']} cuts)",
        ),
        ("model calls per faulted step", str(realistic["calls_per_faulted_step"])),
        ("recovery tokens per cut", str(realistic["recovery_tokens_per_cut"])),
        (
            "MODIFY one named component: step calls / all calls",
            f"{modify['step_calls']} / {modify['model_calls']} "
            f"({', '.join(modify['calls_by_purpose'])})",
        ),
        (
            "  files changed, bytes of changed files / page",
            f"{', '.join(modify['files_changed'])}; {modify['bytes_changed_files']} / "
            f"{modify['bytes_before']}; others identical: {modify['other_files_identical']}",
        ),
    ]
    print_table("Builder, REALISTIC suite: misbehaving model over the OpenAI wire", real_rows)
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
