"""Sandbox benchmark: cold start, overhead against the bare interpreter, sustained runs per second.

    python -m bench.sandbox            (or `make bench-sandbox`)

1. Cold start: N runs of a python and a node hello world through the bwrap backend, interleaved
   with N runs of the same script on the bare interpreter, so both see the same machine load.
2. Sustained throughput: M try-before-you-buy runs requested through the product path
   (request_run → Celery `sandbox` queue → worker → bubblewrap → result stored), on embedded
   Postgres/Redis and one worker process with concurrency 2, timed from the first request until
   the last result is stored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import print_table, start_services, stop_services, summary_ms, write_result

ROOT = Path(__file__).resolve().parent.parent
COLD_RUNS = int(os.environ.get("BENCH_SANDBOX_COLD_RUNS", "40"))
THROUGHPUT_RUNS = int(os.environ.get("BENCH_SANDBOX_THROUGHPUT_RUNS", "200"))


def _code_dir(language: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    name = "hello.py" if language == "python" else "hello.js"
    body = "print('hello')\n" if language == "python" else "console.log('hello');\n"
    (directory / name).write_text(body)
    for path in (directory, directory / name):
        path.chmod(0o755)
    return directory


def cold_start() -> dict:
    import sandbox
    from vibecoder.infra.toolchain import node_binary

    results = {}
    for language, bare in (("python", [sys.executable]), ("node", [node_binary()])):
        code = _code_dir(language)
        entry = "hello.py" if language == "python" else "hello.js"
        backend = sandbox.get_backend("bwrap")
        request = sandbox.RunRequest(language=language, files_dir=code, entry=entry)
        backend.run(request)  # warm the page cache once; every timed run is a new sandbox
        sandboxed, native = [], []
        for _ in range(COLD_RUNS):
            start = time.perf_counter()
            result = backend.run(request)
            sandboxed.append(time.perf_counter() - start)
            assert result.stdout.strip() == b"hello", result
            start = time.perf_counter()
            subprocess.run([*bare, str(code / entry)], capture_output=True, check=True)
            native.append(time.perf_counter() - start)
        shutil.rmtree(code, ignore_errors=True)
        sandboxed_stats, native_stats = summary_ms(sandboxed), summary_ms(native)
        results[language] = {
            "sandboxed": sandboxed_stats,
            "bare": native_stats,
            "overhead_ratio_p50": round(sandboxed_stats["p50_ms"] / native_stats["p50_ms"], 2),
        }
    return results


def throughput(tmp: Path) -> dict:
    """Runs/s through the real product path with a real worker."""
    urls = start_services(
        tmp / "data", VIBECODER_SANDBOX_RUNS_PER_IP_PER_HOUR=str(THROUGHPUT_RUNS * 10)
    )
    worker = None
    try:
        from vibecoder.cli import upgrade_database, worker_command

        upgrade_database()
        import io

        from sqlmodel import Session, select

        from vibecoder.domain.accounts import auth
        from vibecoder.domain.catalog import files as listing_files
        from vibecoder.domain.catalog import listings as catalog
        from vibecoder.domain.sandbox_runs.runs import request_run
        from vibecoder.infra.db import get_engine
        from vibecoder.infra.redis_client import get_redis
        from vibecoder.models.sandbox import SandboxRun
        from vibecoder.models.users import Role

        with Session(get_engine()) as session:
            seller = auth.register(
                session=session,
                email="bench@example.com",
                password="quartz-lantern-9876",
                role=Role.seller,
            )
            listing = catalog.create_listing(
                session=session,
                seller=seller,
                data={"title": "Bench hello", "category": "Utilities", "price_cents": 100},
            )
            outcome = listing_files.add_uploaded_version(
                session=session,
                seller=seller,
                listing_id=listing.id,
                version="1.0.0",
                changelog="",
                uploads=[("main.py", io.BytesIO(b"print('hello')\n"))],
            )
            listing_files.publish_scanned_version(
                session=session, seller=seller, version_id=outcome.version_id
            )
            session.commit()
            listing_id = listing.id
        log = open(tmp / "worker.log", "wb")  # noqa: SIM115
        worker = subprocess.Popen(
            worker_command(concurrency=2, queues="sandbox"),
            cwd=ROOT,
            env={**os.environ, **urls.as_env()},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        from workers.celery_app import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0) and time.monotonic() < deadline:
            pass
        start = time.perf_counter()
        ids = []
        with Session(get_engine()) as session:
            for index in range(THROUGHPUT_RUNS):
                run = request_run(
                    session=session,
                    redis_client=get_redis(),
                    listing_id=listing_id,
                    viewer=None,
                    ip=f"127.0.0.{index % 200 + 1}",
                    entry_point="main.py",
                )
                ids.append(run.public_id)
                session.commit()
        enqueued = time.perf_counter() - start
        while True:
            with Session(get_engine()) as session:
                done = session.exec(
                    select(SandboxRun).where(
                        SandboxRun.kind == "run", SandboxRun.status.in_(["done", "failed"])
                    )
                ).all()
            if len(done) >= THROUGHPUT_RUNS:
                break
            if time.perf_counter() - start > 600:
                raise RuntimeError(f"only {len(done)} of {THROUGHPUT_RUNS} runs finished")
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        ok = sum(1 for run in done if run.exit_code == 0 and run.stdout.strip() == "hello")
        return {
            "runs": THROUGHPUT_RUNS,
            "succeeded": ok,
            "seconds": round(elapsed, 2),
            "runs_per_second": round(THROUGHPUT_RUNS / elapsed, 2),
            "enqueue_seconds": round(enqueued, 2),
            "worker_concurrency": 2,
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        stop_services()


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-sandbox-services-"))
    try:
        cold = cold_start()
        sustained = throughput(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    path = write_result("sandbox", {"cold_start": cold, "throughput": sustained})
    rows = []
    for language, data in cold.items():
        rows.append(
            (
                f"{language} hello, sandboxed p50/p95",
                f"{data['sandboxed']['p50_ms']} / {data['sandboxed']['p95_ms']} ms",
            )
        )
        rows.append(
            (
                f"{language} hello, bare p50/p95",
                f"{data['bare']['p50_ms']} / {data['bare']['p95_ms']} ms",
            )
        )
        rows.append((f"{language} overhead (p50 ratio)", f"{data['overhead_ratio_p50']}x"))
    rows.append(
        (
            "sustained runs through Celery",
            f"{sustained['runs_per_second']} runs/s ({sustained['succeeded']}/"
            f"{sustained['runs']} ok in {sustained['seconds']} s)",
        )
    )
    print_table("Sandbox benchmark (targets: python p50 <= 3x bare, >= 10 runs/s)", rows)
    print(f"\nresult: {path}")


if __name__ == "__main__":
    main()
