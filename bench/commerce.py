"""Commerce benchmark: webhook received → download available, and the license API under load.

    python -m bench.commerce            (or `make bench-commerce`)

Set-up: embedded Postgres/Redis in a temporary data dir, the HTTP API served by granian in its
own process (one worker, as a backend process serves it), one Celery worker (queue `default`,
concurrency 2), and the local Stripe API fake (tests/fakes/stripe_server.py) that our Stripe
gateway talks to over HTTP.

1. Fulfilment latency: for each purchase a Checkout Session is created through our gateway and
   paid on the fake; a `checkout.session.completed` event signed with stripe-python's helper is
   POSTed to /api/webhooks/stripe. The clock starts just before the POST and stops when a signed
   download link can be issued for the buyer (purchase paid, license issued), polled every 2 ms.
   Sequential purchases first (latency of one), then a burst of concurrent webhooks.
2. License validate: C client threads with keep-alive connections POST /api/v1/licenses/validate
   for S seconds, spread over the purchased keys; throughput and latency percentiles.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import print_table, start_services, stop_services, summary_ms, write_result

ROOT = Path(__file__).resolve().parent.parent
PURCHASES = int(os.environ.get("BENCH_COMMERCE_PURCHASES", "40"))
BURST = int(os.environ.get("BENCH_COMMERCE_BURST", "20"))
VALIDATE_SECONDS = float(os.environ.get("BENCH_COMMERCE_VALIDATE_SECONDS", "10"))
VALIDATE_CONCURRENCY = int(os.environ.get("BENCH_COMMERCE_VALIDATE_CONCURRENCY", "16"))
POLL_SECONDS = 0.002
WEBHOOK_SECRET = "whsec_bench_" + "0" * 24


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"API server exited: {log.read_text()[-2000:]}")
        try:
            # Any answer means the server is up (health is 503 until the worker answers too).
            httpx.get(url, timeout=5)
            return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"API server did not answer: {log.read_text()[-2000:]}")


def _seed(session, count: int):
    import io
    import zipfile

    from vibecoder.domain.accounts import auth
    from vibecoder.domain.catalog import files as listing_files
    from vibecoder.domain.catalog import listings as catalog
    from vibecoder.models.users import Role

    seller = auth.register(
        session=session,
        email="seller@bench.example",
        password="quartz-lantern-9876",
        role=Role.seller,
    )
    listing = catalog.create_listing(
        session=session,
        seller=seller,
        data={
            "title": "Bench CSV tool",
            "summary": "Benchmark listing.",
            "category": "Data scripts",
            "license_type": "commercial",
            "pricing_model": "one_time",
            "price_cents": 900,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tool.py", "print('hello')\n")
        archive.writestr("README.md", "# Bench\n")
    buffer.seek(0)
    outcome = listing_files.add_uploaded_version(
        session=session,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog="",
        uploads=[("code.zip", buffer)],
    )
    listing_files.publish_scanned_version(
        session=session, seller=seller, version_id=outcome.version_id
    )
    buyers = [
        auth.register(
            session=session, email=f"buyer{i}@bench.example", password="quartz-lantern-9876"
        )
        for i in range(count)
    ]
    session.commit()
    return listing.id, outcome.version_id, [b.id for b in buyers]


def _signed_event(session_obj: dict) -> tuple[bytes, str]:
    import stripe

    from tests.fakes.stripe_server import event

    body = json.dumps(event("checkout.session.completed", session_obj))
    return body.encode(), stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)


def _download_ready(engine, buyer_id: int, purchase_id: int, version_id: int) -> bool:
    from sqlmodel import Session

    from vibecoder.domain.commerce import downloads
    from vibecoder.domain.errors import ServiceError
    from vibecoder.models.commerce import Purchase
    from vibecoder.models.users import User

    with Session(engine) as session:
        purchase = session.get(Purchase, purchase_id)
        if purchase is None or purchase.status != "paid":
            return False
        try:
            downloads.create_link(
                session=session,
                user=session.get(User, buyer_id),
                purchase_id=purchase_id,
                version_id=version_id,
            )
        except ServiceError:
            return False
    return True


def _paid_session(fake, buyer_id: int, listing_id: int) -> tuple[int, bytes, str]:
    from vibecoder.domain.commerce import checkout

    start = checkout.begin_checkout(buyer_id=buyer_id, listing_id=listing_id)
    paid = fake.complete_session(start.url.rsplit("/", 1)[1])
    body, header = _signed_event(paid)
    return start.purchase_id, body, header


def fulfilment_latency(api: str, fake, engine, listing_id, version_id, buyers) -> dict:
    client = httpx.Client(timeout=10)
    url = f"{api}/api/webhooks/stripe"
    acks, latencies = [], []
    sequential, burst = buyers[:PURCHASES], buyers[PURCHASES : PURCHASES + BURST]
    for buyer_id in sequential:
        purchase_id, body, header = _paid_session(fake, buyer_id, listing_id)
        start = time.perf_counter()
        response = client.post(url, content=body, headers={"Stripe-Signature": header})
        acks.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.json()["duplicate"] is False, response.text
        while not _download_ready(engine, buyer_id, purchase_id, version_id):
            if time.perf_counter() - start > 60:
                raise RuntimeError(f"purchase {purchase_id} was never fulfilled")
            time.sleep(POLL_SECONDS)
        latencies.append(time.perf_counter() - start)

    # A burst: every webhook of BURST purchases arrives at once.
    prepared = [(b, *_paid_session(fake, b, listing_id)) for b in burst]
    started: dict[int, float] = {}

    def post(purchase_id: int, body: bytes, header: str) -> None:
        with httpx.Client(timeout=30) as own:
            started[purchase_id] = time.perf_counter()
            own.post(url, content=body, headers={"Stripe-Signature": header}).raise_for_status()

    threads = [threading.Thread(target=post, args=(p, body, h)) for _, p, body, h in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    burst_latencies = []
    pending = {p: b for b, p, _, _ in prepared}
    deadline = time.perf_counter() + 120
    while pending and time.perf_counter() < deadline:
        for purchase_id, buyer_id in list(pending.items()):
            if _download_ready(engine, buyer_id, purchase_id, version_id):
                burst_latencies.append(time.perf_counter() - started[purchase_id])
                del pending[purchase_id]
        time.sleep(POLL_SECONDS)
    if pending:
        raise RuntimeError(f"{len(pending)} burst purchases were never fulfilled")
    client.close()
    return {
        "sequential": summary_ms(latencies),
        "webhook_ack": summary_ms(acks),
        "burst": {**summary_ms(burst_latencies), "concurrent_webhooks": len(prepared)},
    }


def validate_load(api: str, keys: list[str]) -> dict:
    url = f"{api}/api/v1/licenses/validate"
    latencies: list[list[float]] = [[] for _ in range(VALIDATE_CONCURRENCY)]
    errors = [0] * VALIDATE_CONCURRENCY
    stop_at = time.perf_counter() + VALIDATE_SECONDS

    def client(index: int) -> None:
        with httpx.Client(timeout=30) as http:
            n = index
            while time.perf_counter() < stop_at:
                key = keys[n % len(keys)]
                n += VALIDATE_CONCURRENCY
                start = time.perf_counter()
                response = http.post(url, json={"license_key": key})
                latencies[index].append(time.perf_counter() - start)
                if response.status_code != 200 or response.json().get("valid") is not True:
                    errors[index] += 1

    # Warm the connections and the server's pool before timing.
    with httpx.Client(timeout=30) as http:
        for key in keys[:5]:
            http.post(url, json={"license_key": key})
    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(VALIDATE_CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [value for per_client in latencies for value in per_client]
    return {
        **summary_ms(flat),
        "requests_per_second": round(len(flat) / elapsed, 1),
        "errors": sum(errors),
        "concurrency": VALIDATE_CONCURRENCY,
        "seconds": round(elapsed, 2),
        "keys": len(keys),
    }


def run(tmp: Path) -> dict:
    from tests.fakes.stripe_server import FakeStripe

    fake = FakeStripe()
    fake_base = fake.start()
    os.environ.update(
        STRIPE_SECRET_KEY=fake.api_key,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=fake_base,
        VIBECODER_LICENSE_API_PER_KEY_PER_MINUTE="1000000",
        VIBECODER_LICENSE_API_PER_IP_PER_MINUTE="1000000",
    )
    urls = start_services(tmp / "data")
    procs: list[subprocess.Popen] = []
    try:
        from sqlmodel import Session, select

        from vibecoder.cli import upgrade_database, worker_command
        from vibecoder.domain.commerce import licensing
        from vibecoder.infra.db import get_engine
        from vibecoder.infra.embedded import free_port
        from vibecoder.models.commerce import License

        upgrade_database()
        engine = get_engine()
        with Session(engine) as session:
            listing_id, version_id, buyers = _seed(session, PURCHASES + BURST)
        env = {**os.environ, **urls.as_env()}
        worker_log = tmp / "worker.log"
        procs.append(
            subprocess.Popen(
                worker_command(concurrency=2, queues="default"),
                cwd=ROOT,
                env=env,
                stdout=worker_log.open("wb"),
                stderr=subprocess.STDOUT,
            )
        )
        port = free_port()
        api_log = tmp / "api.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "asgi",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "vibecoder.api:build_api",
            ],
            cwd=ROOT,
            env=env,
            stdout=api_log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        procs.append(server)
        api = f"http://127.0.0.1:{port}"
        _wait_http(f"{api}/api/health", server, api_log)
        from workers.celery_app import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker did not answer: {worker_log.read_text()[-2000:]}")

        fulfil = fulfilment_latency(api, fake, engine, listing_id, version_id, buyers)
        with Session(engine) as session:
            keys = [licensing.reveal_key(lic) for lic in session.exec(select(License)).all()]
        validate = validate_load(api, [k for k in keys if k])
        return {"fulfilment": fulfil, "license_validate": validate, "api_server": "granian x1"}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        fake.stop()
        stop_services()


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-commerce-"))
    try:
        result = run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    path = write_result("commerce", result)
    fulfil, validate = result["fulfilment"], result["license_validate"]
    print_table(
        "Commerce",
        [
            (
                f"webhook → download available, sequential p50/p95 (n={fulfil['sequential']['n']})",
                f"{fulfil['sequential']['p50_ms']} / {fulfil['sequential']['p95_ms']} ms",
            ),
            (
                "webhook answered (HTTP 200) p50/p95",
                f"{fulfil['webhook_ack']['p50_ms']} / {fulfil['webhook_ack']['p95_ms']} ms",
            ),
            (
                f"webhook → download, burst of {fulfil['burst']['concurrent_webhooks']} p50/p95",
                f"{fulfil['burst']['p50_ms']} / {fulfil['burst']['p95_ms']} ms",
            ),
            (
                f"license validate, {validate['concurrency']} clients",
                f"{validate['requests_per_second']} req/s, {validate['errors']} errors",
            ),
            (
                "license validate latency p50/p95",
                f"{validate['p50_ms']} / {validate['p95_ms']} ms",
            ),
        ],
    )
    print(f"\nresult: {path}")


if __name__ == "__main__":
    main()
