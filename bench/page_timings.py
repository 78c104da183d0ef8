"""Page timings: navigation start to the page's main heading visible, in headless Chromium.

Starts `python -m vibecoder dev` of a project tree (this one by default, or `--root DIR`, e.g.
an older commit unpacked with `git archive`) on a private data dir, waits until it answers,
then loads each public page `BENCH_PAGE_RUNS` times (first load per page discarded: it compiles
the route in dev mode). `--url URL` measures an app already running instead, e.g. `make
prod-local` (http://127.0.0.1:8080: nginx, the exported frontend), which is what visitors get.
Writes bench/results/page_timings[-LABEL].json and prints a table.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import print_table, summary_ms, write_result

# A listing of the demo catalog (vibecoder/seed_data): the page issue 16 wants under 1 s.
# BENCH_PAGES (comma-separated) measures others, e.g. an older tree without that listing.
PAGES = os.environ.get(
    "BENCH_PAGES",
    "/,/browse,/search?q=coffee,/listing/budget-categorizer,/signin,/signup",
).split(",")
CHROMIUM = os.environ.get("VIBECODER_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(root: Path, data_dir: Path) -> tuple[subprocess.Popen, str]:
    front, back = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        VIBECODER_DATA_DIR=str(data_dir),
        FRONTEND_PORT=str(front),
        BACKEND_PORT=str(back),
        VIBECODER_APP_URL=f"http://localhost:{front}",
        PYTHONPATH=str(root),
    )
    log = open(data_dir / "dev.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "vibecoder", "dev"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://localhost:{front}"
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((data_dir / "dev.log").read_text()[-3000:])
        try:
            health = httpx.get(f"http://127.0.0.1:{back}/api/health", timeout=5)
            if health.status_code == 200 and httpx.get(url + "/", timeout=30).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("app did not start")


def _main_content(page, path: str):
    """The page's main heading; on a listing, its title once the listing's data has arrived."""
    if path.startswith("/listing/"):
        return page.locator("#listing-title").filter(has_text=re.compile(r"\S")).first
    return page.locator("h1").first


def measure(url: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {p: [] for p in PAGES}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for path in PAGES:
            for run in range(runs + 1):
                started = time.perf_counter()
                page.goto(url + path)
                _main_content(page, path).wait_for(state="visible", timeout=60_000)
                if run:  # the first load compiles the route in dev mode
                    timings[path].append(time.perf_counter() - started)
        browser.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--label", default="")
    parser.add_argument("--url", default="", help="measure this running app instead")
    args, _ = parser.parse_known_args()
    runs = int(os.environ.get("BENCH_PAGE_RUNS", "5"))
    if args.url:
        timings = measure(args.url.rstrip("/"), runs)
        _report(timings, args.url, runs, args.label)
        return
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        proc, url = _start(Path(args.root), Path(tmp))
        try:
            timings = measure(url, runs)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    _report(timings, args.root, runs, args.label)


def _report(timings: dict[str, list[float]], target: str, runs: int, label: str) -> None:
    results = {path: summary_ms(values) for path, values in timings.items()}
    name = "page_timings" + (f"-{label}" if label else "")
    write_result(name, {"target": target, "runs": runs, "pages": results})
    print_table(
        f"Navigation to main heading ({label or target}), ms",
        [(p, f"p50 {r['p50_ms']:.0f} · p95 {r['p95_ms']:.0f}") for p, r in results.items()],
    )


if __name__ == "__main__":
    main()
