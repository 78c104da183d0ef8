"""The production topology (`make prod-local`) under load, through nginx.

1. Health: p50/p95 of /api/health/live and /api/health/ready with 200 concurrent callers.
2. Throughput with PROD_BACKENDS=1 and then 2: license validate (POST /api/v1/licenses/validate
   with a real key) and GET /api/search, each for a fixed time with a fixed number of
   concurrent clients, requests per second and latency.

The license API is driven by wrk (Debian's `wrk`, `make bench-topology` installs it) at each
connection count of BENCH_LICENSE_CONNECTIONS: a C client whose own CPU stays small, where a
Python client spent as much CPU per request as the backend it measured and capped the figure
(232/s with httpx against 700-970/s with wrk, same topology). Without wrk it falls back to the
httpx client and says so in the result.

Runs `python -m vibecoder prod local` itself in data/bench-topology (the frontend export is
cached there after the first run). Rate limits are lifted for the run (they are per client
address and every request here comes from one). `python -m bench.topology`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import print_table, summary_ms, wait_until_settled, write_result

ROOT = Path(__file__).resolve().parent.parent
PROD_DIR = Path(os.environ.get("BENCH_PROD_DIR", str(ROOT / "data" / "bench-topology")))
HTTP_PORT = int(os.environ.get("BENCH_HTTP_PORT", "18380"))
BACKEND_PORT = HTTP_PORT + 20
SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
LICENSE_CONNECTIONS = [
    int(n) for n in os.environ.get("BENCH_LICENSE_CONNECTIONS", "4,8,16,32").split(",") if n
]
QUERIES = ["csv", "markdown table", "rate limiter", "image resize", "todo app", "json schema"]


def _start(backends: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        PROD_DIR=str(PROD_DIR),
        PROD_HTTP_PORT=str(HTTP_PORT),
        PROD_PREVIEW_PORT=str(HTTP_PORT + 1),
        PROD_BACKEND_PORT=str(BACKEND_PORT),
        PROD_BACKENDS=str(backends),
        PROD_PG_PORT=str(HTTP_PORT + 2),
        PROD_REDIS_PORT=str(HTTP_PORT + 3),
        VIBECODER_LICENSE_API_PER_IP_PER_MINUTE=str(10**9),
        VIBECODER_LICENSE_API_PER_KEY_PER_MINUTE=str(10**9),
        VIBECODER_SEARCH_PER_IP_PER_MINUTE=str(10**9),
    )
    PROD_DIR.mkdir(parents=True, exist_ok=True)
    log = open(PROD_DIR / f"bench-{backends}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "vibecoder", "prod", "local"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_ready(proc: subprocess.Popen, backends: int, timeout: float = 900) -> None:
    url = f"http://127.0.0.1:{HTTP_PORT}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prod-local exited; see {PROD_DIR}/bench-{backends}.log")
        try:
            ready = [
                httpx.get(f"http://127.0.0.1:{BACKEND_PORT + i}/api/health/ready", timeout=5)
                for i in range(backends)
            ]
            search = httpx.get(f"{url}/api/search", params={"q": "csv"}, timeout=60)
            if all(r.status_code == 200 for r in ready) and search.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(2)
    raise RuntimeError("prod-local not ready")


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _license_key() -> str:
    """A real key: a fresh buyer "gets" a free seeded listing (env points at prod-local's DB)."""
    values = dict(
        line.split("=", 1) for line in (PROD_DIR / "prod.env").read_text().splitlines() if line
    )
    os.environ["DATABASE_URL"] = values["DATABASE_URL"]
    os.environ["REDIS_URL"] = values["REDIS_URL"]
    os.environ["VIBECODER_ENVIRONMENT"] = "production"
    os.environ["VIBECODER_SECRET_KEY"] = values["VIBECODER_SECRET_KEY"]
    # prod-local runs with the test gateway (a demo); production settings refuse it unless allowed.
    os.environ["VIBECODER_ALLOW_TEST_PAYMENTS"] = values.get(
        "VIBECODER_ALLOW_TEST_PAYMENTS", "true"
    )
    from sqlmodel import select

    from vibecoder.domain.accounts import auth
    from vibecoder.domain.commerce import checkout, licensing
    from vibecoder.infra.db import reset_engine, session_scope
    from vibecoder.models.catalog import Listing
    from vibecoder.settings import get_settings

    get_settings.cache_clear()
    reset_engine()
    free = select(Listing).where(Listing.pricing_model == "free", Listing.price_cents == 0)
    # The topology answers before its migrate role has committed the demo catalog (the seed
    # renders 40 covers): wait for it rather than fail on an empty catalog.
    deadline = time.monotonic() + 600
    while True:
        with session_scope() as session:
            if session.exec(free).first() is not None:
                break
        if time.monotonic() > deadline:
            raise RuntimeError("no free listing seeded within 10 minutes")
        time.sleep(2)
    with session_scope() as session:
        listing = session.exec(free).first()
        assert listing is not None
        email = f"bench-{int(time.time())}@example.com"
        buyer = auth.register(session=session, email=email, password="bench-password-2026")
        purchase = checkout.claim_free(session=session, buyer=buyer, listing_id=listing.id)
        _, key = licensing.issue_license(
            session=session, purchase=purchase, listing=listing, expires_at=None
        )
    return key


async def _burst(url: str, n: int) -> list[float]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one() -> float:
            started = time.perf_counter()
            response = await client.get(url)
            assert response.status_code == 200, response.text
            return time.perf_counter() - started

        await asyncio.gather(*(one() for _ in range(n)))  # warm the connections
        return list(await asyncio.gather(*(one() for _ in range(n))))


async def _load(make_request, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def worker(index: int) -> None:
            nonlocal errors
            i = index
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                response = await make_request(client, i)
                i += concurrency
                if response.status_code == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return {"rps": round(len(latencies) / seconds, 1), "errors": errors, **summary_ms(latencies)}


# wrk's done() hook prints one JSON line with the exact percentiles of every request.
_WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"license_key": "%s"}'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "socket_errors": %%d, "non_2xx": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _wrk_license(key: str, connections: int) -> dict:
    """POST /api/v1/licenses/validate with wrk: `connections` keep-alive connections, 2 threads."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "validate.lua"
        script.write_text(_WRK_SCRIPT % key)
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{SECONDS:g}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{HTTP_PORT}/api/v1/licenses/validate",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    r = json.loads(out.strip().splitlines()[-1])
    seconds = r["duration_us"] / 1e6
    return {
        "client": "wrk",
        "connections": connections,
        "rps": round((r["requests"] - r["non_2xx"]) / seconds, 1),
        "errors": r["socket_errors"] + r["non_2xx"],
        "p50_ms": round(r["p50_us"] / 1000, 1),
        "p95_ms": round(r["p95_us"] / 1000, 1),
        "p99_ms": round(r["p99_us"] / 1000, 1),
        "max_ms": round(r["max_us"] / 1000, 1),
    }


def _license_throughput(key: str) -> dict:
    if shutil.which("wrk") is None:
        return {"license_validate": asyncio.run(_load(_validate(key), SECONDS, CONCURRENCY))}
    sweep = [_wrk_license(key, c) for c in LICENSE_CONNECTIONS]
    return {
        # The row the summary quotes: the most validations/s of the sweep.
        "license_validate": max(sweep, key=lambda r: r["rps"]),
        "license_validate_sweep": sweep,
    }


def _validate(key: str):
    base = f"http://127.0.0.1:{HTTP_PORT}"

    async def validate(client: httpx.AsyncClient, _i: int) -> httpx.Response:
        return await client.post(f"{base}/api/v1/licenses/validate", json={"license_key": key})

    return validate


def _throughput(key: str) -> dict:
    base = f"http://127.0.0.1:{HTTP_PORT}"

    async def search(client: httpx.AsyncClient, i: int) -> httpx.Response:
        return await client.get(f"{base}/api/search", params={"q": QUERIES[i % len(QUERIES)]})

    return {
        **_license_throughput(key),
        "search": asyncio.run(_load(search, SECONDS, CONCURRENCY)),
    }


def main() -> None:
    results: dict = {"seconds": SECONDS, "concurrency": CONCURRENCY, "runs": {}}
    for backends in [int(b) for b in os.environ.get("BENCH_BACKENDS", "1,2").split(",") if b]:
        proc = _start(backends)
        try:
            _wait_ready(proc, backends)
            base = f"http://127.0.0.1:{HTTP_PORT}"
            key = _license_key()
            run: dict = {"settled": wait_until_settled()}
            if backends == 2:
                run["health_live_200"] = summary_ms(
                    asyncio.run(_burst(f"{base}/api/health/live", 200))
                )
                run["health_ready_200"] = summary_ms(
                    asyncio.run(_burst(f"{base}/api/health/ready", 200))
                )
            run.update(_throughput(key))
            results["runs"][f"{backends}_backends"] = run
        finally:
            _stop(proc)
    path = write_result("topology", results)
    rows = []
    for name, run in results["runs"].items():
        for what in ("health_live_200", "health_ready_200"):
            if what in run:
                r = run[what]
                rows.append((f"{name} {what}", f"p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms"))
        for r in run.get("license_validate_sweep", []):
            rows.append(
                (
                    f"{name} license_validate wrk -c{r['connections']}",
                    f"{r['rps']} req/s  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms"
                    f"  p99 {r['p99_ms']} ms  errors {r['errors']}",
                )
            )
        for what in ("license_validate", "search"):
            r = run[what]
            rows.append(
                (
                    f"{name} {what}",
                    f"{r['rps']} req/s  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms"
                    f"  errors {r['errors']}",
                )
            )
    print_table(f"prod-local through nginx ({CONCURRENCY} clients, {SECONDS:g}s each)", rows)
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
