"""Event-loop benchmark: another user's Reflex event round trip while sign-ins and an upload run.

    python -m bench.event_loop        (or `make bench-event-loop`)

Starts the real app exactly as `make run` does (`python -m vibecoder dev`, private data dir and
ports; set BENCH_APP_DATA_DIR + BENCH_BACKEND_URL to reuse one already running) and speaks
Reflex's own websocket protocol to it with python-socketio, like the browser does:

* an observer on /search types a query (the debounced `set_query` event the search box sends)
  and we time the round trip from sending the event to the delta that ends the search
  (`searching` back to false); every query is new, so its embedding is computed each time;
  a "light" event (the notifications bell's `load`) is timed as well;
* quiet: BENCH_EL_QUIET round trips with nothing else running;
* loaded: BENCH_EL_ROUNDS rounds, each with 10 concurrent sign-ins through the sign-in form's
  event (argon2 verification) and one 40 MB zip upload to the seller's listing editor
  (/sell/<id>, the `upload_version` handler through Reflex's /_upload endpoint); the observer
  keeps sending events back to back until the round's load is done. The load comes from a
  separate client process, as other users' browsers would: the observer's loop only reads its
  own updates.

Reported: p50/p95/max of the observer's round trips, quiet and loaded, and how long the
sign-ins and the upload themselves took.
"""

from __future__ import annotations

import asyncio
import io
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

from bench.common import print_table, summary_ms, wait_until_settled, write_result

ROOT = Path(__file__).resolve().parent.parent
QUIET = int(os.environ.get("BENCH_EL_QUIET", "20"))
ROUNDS = int(os.environ.get("BENCH_EL_ROUNDS", "3"))
SIGN_INS = int(os.environ.get("BENCH_EL_SIGN_INS", "10"))
UPLOAD_MB = int(os.environ.get("BENCH_EL_UPLOAD_MB", "40"))
PASSWORD = "bench-Password-2931"
START_TIMEOUT = 600

ROOT_STATE = "reflex___state____state"
AUTH = f"{ROOT_STATE}.vibecoder___state___auth____auth_state"
SEARCH = f"{AUTH}.vibecoder___state___search____search_state"
SELL = f"{AUTH}.vibecoder___state___sell____sell_state"
NOTIFICATIONS = f"{AUTH}.vibecoder___state___notifications____notifications_state"
WORDS = ["photos", "webhooks", "landing", "coffee", "arcade", "invoice", "docker", "faq", "csv"]


class ReflexClient:
    """One browser tab, as far as the backend can tell: a token, a socket, router data."""

    def __init__(self, backend_url: str, path: str, query: dict | None = None):
        import socketio

        self.backend_url = backend_url
        self.path = path
        self.query = query or {}
        self.token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.updates: asyncio.Queue = asyncio.Queue()
        self.sio.on("event", self._on_event, namespace="/_event")

    async def _on_event(self, data) -> None:
        update = json.loads(data) if isinstance(data, str) else data
        await self.updates.put((time.perf_counter(), update))

    def router_data(self) -> dict:
        return {"pathname": self.path, "asPath": self.path, "query": self.query}

    async def connect(self, session_token: str = "", headers: dict | None = None) -> None:
        headers = dict(headers or {})
        if session_token:
            # The HttpOnly session cookie rides on the handshake, as the browser sends it.
            headers["Cookie"] = f"vc_session={session_token}"
        await self.sio.connect(
            f"{self.backend_url}?token={self.token}",
            headers=headers,
            socketio_path="_event",
            namespaces=["/_event"],
            transports=["websocket"],
            # The default 1 s for the namespace to answer is too short for a loaded machine.
            wait_timeout=60,
        )
        await self.call(f"{ROOT_STATE}.hydrate_and_load", {}, done=_hydrated)

    async def send(self, name: str, payload: dict) -> float:
        while not self.updates.empty():
            self.updates.get_nowait()
        started = time.perf_counter()
        await self.sio.emit(
            "event",
            {"name": name, "payload": payload, "router_data": self.router_data()},
            namespace="/_event",
        )
        return started

    async def call(self, name: str, payload: dict, *, done, timeout: float = 120) -> float:
        """Send one event; seconds until an update satisfies `done` (the handler's last delta)."""
        started = await self.send(name, payload)
        deadline = started + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{name}: no final update in {timeout}s")
            at, update = await asyncio.wait_for(self.updates.get(), left)
            if done(update):
                return at - started

    async def close(self) -> None:
        await self.sio.disconnect()


def _delta(update: dict, state: str) -> dict:
    return (update.get("delta") or {}).get(state) or {}


def _hydrated(update: dict) -> bool:
    return _delta(update, ROOT_STATE).get("is_hydrated_rx_state_") is True


def _search_done(update: dict) -> bool:
    return _delta(update, SEARCH).get("searching_rx_state_") is False


def _notifications_done(update: dict) -> bool:
    return "unread_rx_state_" in _delta(update, NOTIFICATIONS)


def _editor_loaded(update: dict) -> bool:
    return bool(_delta(update, SELL).get("listing_id_rx_state_"))


# ---------------------------------------------------------------- the app and its data


class App:
    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.tmp: Path | None = None
        reuse = os.environ.get("BENCH_APP_DATA_DIR")
        if reuse:
            self.data_dir = Path(reuse)
            self.backend_url = os.environ["BENCH_BACKEND_URL"]
            self.app_url = os.environ.get("BENCH_APP_URL", self.backend_url)
            return
        from vibecoder.infra.embedded import free_port

        self.tmp = Path(tempfile.mkdtemp(prefix="bench-event-loop-"))
        self.data_dir = self.tmp / "data"
        watched = self.tmp / "nothing-to-watch"
        watched.mkdir()
        frontend, backend = free_port(), free_port()
        self.backend_url = f"http://127.0.0.1:{backend}"
        self.app_url = f"http://localhost:{frontend}"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            VIBECODER_DATA_DIR=str(self.data_dir),
            FRONTEND_PORT=str(frontend),
            BACKEND_PORT=str(backend),
            VIBECODER_APP_URL=self.app_url,
            # The dev server reloads when a watched file changes; the upload's blobs and the
            # database live under tmp/data, so watch an empty directory instead.
            REFLEX_HOT_RELOAD_OVERRIDE_PATHS=str(watched),
        )
        self.log_path = self.tmp / "dev.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vibecoder", "dev"],
            cwd=ROOT,
            env=env,
            stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"`vibecoder dev` exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.backend_url}/api/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError("the app did not become healthy")

    def database_url(self) -> str:
        from vibecoder.infra.embedded import EmbeddedPostgres

        state = json.loads((self.data_dir / "services.json").read_text())
        return EmbeddedPostgres(self.data_dir / "postgres").url(state["pg_port"])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


def make_accounts(database_url: str) -> tuple[list[str], str, int]:
    """SIGN_INS buyers and one seller with a listing; returns their emails, a seller token, id."""
    from sqlalchemy import create_engine
    from sqlmodel import Session

    from vibecoder.domain.accounts import auth
    from vibecoder.domain.catalog import listings as catalog

    engine = create_engine(database_url)
    tag = uuid.uuid4().hex[:6]
    emails = [f"bench-el-{tag}-{i}@example.com" for i in range(SIGN_INS)]
    with Session(engine) as session:
        for email in emails:
            auth.register(session=session, email=email, password=PASSWORD)
        seller = auth.register(
            session=session, email=f"bench-el-{tag}-seller@example.com", password=PASSWORD
        )
        auth.become_seller(session=session, user=seller)
        listing = catalog.create_listing(
            session=session,
            seller=seller,
            data={
                "title": f"Bench upload {tag}",
                "category": catalog.CATEGORIES[0],
                "price_cents": 900,
            },
        )
        token = auth.create_session(session=session, user=seller)
        session.commit()
        listing_id = listing.id
    engine.dispose()
    return emails, token, listing_id


def make_zip(megabytes: int) -> bytes:
    """A seller's zip of `megabytes`: 4 MB binary assets (stored) and some source files."""
    rng = random.Random(7)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(20):
            source = "\n".join(f"def handler_{i}_{n}(x):\n    return x * {n}" for n in range(400))
            archive.writestr(f"src/module_{i}.py", source, compress_type=zipfile.ZIP_DEFLATED)
        size = 4 * 1024 * 1024
        for i in range(max(1, round(megabytes * 1024 * 1024 / size))):
            archive.writestr(
                f"assets/blob_{i}.bin", rng.randbytes(size), compress_type=zipfile.ZIP_STORED
            )
    return buffer.getvalue()


# ---------------------------------------------------------------- the measurement


class Observer:
    def __init__(self, backend_url: str):
        self.search = ReflexClient(backend_url, "/search")
        self.n = 0

    async def search_once(self, timeout: float = 120) -> float:
        self.n += 1
        query = f"{random.choice(WORDS)} tool {self.n} {uuid.uuid4().hex[:4]}"
        return await self.search.call(
            f"{SEARCH}.set_query", {"value": query}, done=_search_done, timeout=timeout
        )

    async def light_once(self) -> float:
        return await self.search.call(f"{NOTIFICATIONS}.load", {}, done=_notifications_done)


async def sign_in(backend_url: str, app_url: str, email: str) -> float:
    """The sign-in form's native POST (argon2 runs in the backend that serves the app)."""
    async with httpx.AsyncClient(base_url=backend_url, timeout=300) as http:
        started = time.perf_counter()
        response = await http.post(
            "/api/auth/signin",
            data={"email": email, "password": PASSWORD},
            headers={"Origin": app_url},
        )
        if "vc_session" not in response.cookies:
            raise RuntimeError(f"sign-in refused: {response.status_code} {response.text[:200]}")
        return time.perf_counter() - started


async def post_upload(backend_url: str, client_token: str, body: bytes) -> float:
    """The listing editor's zip upload through Reflex's /_upload (the seller's tab named by its
    client token; the handler's deltas go to that tab's socket)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=300) as client:
        response = await client.post(
            f"{backend_url}/_upload",
            headers={
                "Reflex-Client-Token": client_token,
                "Reflex-Event-Handler": f"{SELL}.upload_version",
            },
            files=[("files", ("bench.zip", body, "application/zip"))],
        )
    response.raise_for_status()
    if "upload_message" not in response.text:
        raise RuntimeError(f"upload not accepted: {response.text[-500:]}")
    return time.perf_counter() - started


# The load runs in a process of its own: other users' browsers are not the observer's. In the
# observer's own event loop, the load's client work (ten TLS-ready HTTP clients, a 40 MB body
# written to a socket) delayed the observer's reading of its own updates and was timed as the
# app's latency.
_BODY: bytes = b""


def _load_process_init(megabytes: int) -> None:
    global _BODY
    _BODY = make_zip(megabytes)


def _load_round(
    backend_url: str, app_url: str, emails: list[str], client_token: str
) -> tuple[list[float], float, int]:
    async def both() -> list[float]:
        return await asyncio.gather(
            *(sign_in(backend_url, app_url, email) for email in emails),
            post_upload(backend_url, client_token, _BODY),
        )

    results = asyncio.run(both())
    return results[:-1], results[-1], len(_BODY)


async def run(
    backend_url: str, app_url: str, emails: list[str], seller_token: str, listing_id: int
) -> dict:
    observer = Observer(backend_url)
    seller = ReflexClient(backend_url, f"/sell/{listing_id}", {"listing_id": str(listing_id)})
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_load_process_init, initargs=(UPLOAD_MB,)
    ) as load_process:
        try:
            return await _measure(
                backend_url, app_url, emails, observer, seller, seller_token, load_process
            )
        finally:
            for client in (observer.search, seller):
                if client.sio.connected:
                    await client.close()


async def _measure(
    backend_url: str,
    app_url: str,
    emails: list[str],
    observer: Observer,
    seller: ReflexClient,
    seller_token: str,
    load_process: ProcessPoolExecutor,
) -> dict:
    await observer.search.connect()
    await seller.connect(session_token=seller_token)
    await seller.call(f"{SELL}.load_editor", {}, done=_editor_loaded)
    loop = asyncio.get_running_loop()
    # Start the load process (and build its zip) before anything is timed.
    await loop.run_in_executor(load_process, len, [])

    # Warm the model and the query path: the first query loads the embedding model, which
    # takes minutes on a machine as loaded as the shared build machine can be.
    await observer.search_once(timeout=START_TIMEOUT)
    for _ in range(2):
        await observer.search_once()
    quiet_search = [await observer.search_once() for _ in range(QUIET)]
    quiet_light = [await observer.light_once() for _ in range(QUIET)]

    loaded_search: list[float] = []
    loaded_light: list[float] = []
    sign_in_s: list[float] = []
    upload_s: list[float] = []
    upload_bytes = 0
    for round_no in range(ROUNDS):
        await seller.call(
            f"{SELL}.set_new_version",
            {"value": f"1.{round_no}.{int(time.time())}"},
            done=lambda u: bool(_delta(u, SELL)),
        )
        task = loop.run_in_executor(
            load_process, _load_round, backend_url, app_url, emails, seller.token
        )
        turn = 0
        while not task.done():
            if turn % 2 == 0:
                loaded_search.append(await observer.search_once())
            else:
                loaded_light.append(await observer.light_once())
            turn += 1
        signed_in, uploaded, upload_bytes = await task
        sign_in_s.extend(signed_in)
        upload_s.append(uploaded)
    return {
        "quiet_search": summary_ms(quiet_search) | {"max_ms": round(max(quiet_search) * 1000, 1)},
        "quiet_light": summary_ms(quiet_light) | {"max_ms": round(max(quiet_light) * 1000, 1)},
        "loaded_search": summary_ms(loaded_search)
        | {"max_ms": round(max(loaded_search) * 1000, 1)},
        "loaded_light": summary_ms(loaded_light) | {"max_ms": round(max(loaded_light) * 1000, 1)},
        "sign_in": summary_ms(sign_in_s),
        "upload": summary_ms(upload_s),
        "upload_bytes": upload_bytes,
        "rounds": ROUNDS,
        "sign_ins_per_round": SIGN_INS,
        "load_client": "separate process",
    }


def main() -> None:
    app = App()
    try:
        app.wait_until_up()
        emails, token, listing_id = make_accounts(app.database_url())
        settled = wait_until_settled()
        result = asyncio.run(run(app.backend_url, app.app_url, emails, token, listing_id))
        result |= settled
    except BaseException:
        if app.process is not None:  # the app's own log says why, before its data dir goes
            print(app.log_path.read_text(errors="replace")[-6000:], file=sys.stderr)
        raise
    finally:
        app.stop()
    path = write_result("event_loop", result)
    rows = []
    for key in ("quiet_search", "quiet_light", "loaded_search", "loaded_light"):
        r = result[key]
        rows.append(
            (
                f"observer {key.replace('_', ' ')} (n={r['n']})",
                f"p50 {r['p50_ms']:.0f} ms  p95 {r['p95_ms']:.0f} ms  max {r['max_ms']:.0f} ms",
            )
        )
    rows.append(("sign-in round trip (each)", f"p50 {result['sign_in']['p50_ms']:.0f} ms"))
    rows.append(
        (
            f"{result['upload_bytes'] / 2**20:.0f} MB upload, whole request",
            f"p50 {result['upload']['p50_ms']:.0f} ms",
        )
    )
    if "settled" in result:
        rows.append(
            (
                "start-up work settled before measuring",
                f"{'yes' if result['settled'] else 'NO'} after {result['settle_seconds']:.0f} s "
                f"(CPU {result['cpu_percent_at_start']:.0f} %)",
            )
        )
    print_table(
        f"Another user's event round trip, {SIGN_INS} sign-ins + one upload per round",
        rows,
    )
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
