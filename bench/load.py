"""Load benchmark: N concurrent users speaking Reflex's websocket protocol to the real app.

    python -m bench.load              (or `make bench-load`)

Starts `make prod-local` (nginx in front of PROD_BACKENDS Reflex backends, own data dir in
data/bench-load, like bench/topology.py) once per backend count, then runs N simulated users at
once for BENCH_LOAD_SECONDS each, for every N in BENCH_LOAD_USERS (default 25,50,100,200), with
1 and 2 backends (BENCH_LOAD_BACKENDS). Each user is one websocket (the client of
bench/event_loop.py: a token, socket.io on /_event, router data like the browser's) and loops
over the mix a browsing buyer makes, with the page's on_load events sent as the browser sends
them after a client-side navigation:

    home → browse (+ a category filter) → search (a typed query) → a listing → its code tab
    1 in 10 iterations: "Run in sandbox" on the listing (the panel's load and start events,
    timed to the run's result arriving over the socket: queue, bubblewrap run, Redis events).
    1 in 5 iterations: sign in (the native form POST /api/auth/signin, HttpOnly cookie), a new
    socket carrying the cookie, the library.
    1 in 50 iterations: buy a paid listing with the test gateway, as docs/api.md's "Buying from a
    program" does (POST /api/v1/purchases, pay the checkout with the same key), timed until the
    worker has fulfilled it (the purchase reads `paid`).

BENCH_LOAD_TARGETS (default "prod-local,dev") adds the same mix against `make run` (`python -m
vibecoder dev`, one dev backend), for comparison with the production topology.

Between actions a user reads the page for BENCH_LOAD_THINK seconds (uniform, default "1,5", as
Locust's quickstart does); "0,0" makes it a saturation run, every action back to back.

Per action: p50/p95/p99 of the round trip (event sent → the handler's final update), errors
(timeouts, disconnects, error updates); per run: actions/s and the server processes' CPU
(psutil over the prod-local process tree). JSON in bench/results/load.json, a table, and a PNG
chart of p95 against N (matplotlib) in bench/results/load_p95.png.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field

import httpx
import psutil

from bench import topology
from bench.common import RESULTS, percentile, print_table, wait_until_settled, write_result
from bench.event_loop import AUTH, SEARCH, ReflexClient, _delta, _search_done

USERS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "25,50,100,200").split(",") if n]
BACKENDS = [int(n) for n in os.environ.get("BENCH_LOAD_BACKENDS", "1,2").split(",") if n]
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
TIMEOUT = float(os.environ.get("BENCH_LOAD_ACTION_TIMEOUT", "30"))
# Seconds a user spends reading a page before the next action, uniform in [min, max]: Locust's
# `between(1, 5)` from its quickstart. "0,0" sends every action back to back (a saturation run:
# the most actions/s the topology serves, for comparing 1 and 2 backends).
# "prod-local" (nginx, PROD_BACKENDS backends: the goals), "dev" (`make run`, for comparison).
TARGETS = os.environ.get("BENCH_LOAD_TARGETS", "prod-local,dev").split(",")
THINK = tuple(float(x) for x in os.environ.get("BENCH_LOAD_THINK", "1,5").split(","))
PASSWORD = "bench-Password-2931"
HOME = f"{AUTH}.vibecoder___pages___home____home_state"
BROWSE = f"{AUTH}.vibecoder___state___browse____browse_state"
LISTING = f"{AUTH}.vibecoder___state___listing____listing_state"
LIBRARY = f"{AUTH}.vibecoder___state___library____library_state"
SANDBOX = f"{AUTH}.vibecoder___state___sandbox_panel____sandbox_panel_state"
CATEGORIES = ["CLI tools", "Web components", "APIs", "Data scripts", "Utilities"]
QUERIES = ["csv", "markdown table", "rate limiter", "image resize", "todo app", "webhooks"]


def _assigned(state: str, var: str):
    """Done when the handler assigns `var` (Reflex sends an assigned var even if unchanged):
    each handler below assigns it as its last step. Updates carry no 'final' flag any more."""
    key = f"{var}_rx_state_"
    return lambda update: key in _delta(update, state)


class Stats:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.dropped = 0

    def ok(self, action: str, seconds: float) -> None:
        self.times.setdefault(action, []).append(seconds)

    def fail(self, action: str) -> None:
        self.errors[action] = self.errors.get(action, 0) + 1


async def _timed(stats: Stats, action: str, coro) -> dict | None:
    try:
        return await asyncio.wait_for(coro, TIMEOUT)
    except Exception:
        stats.fail(action)
        return None


async def _navigate(
    client: ReflexClient, stats: Stats, action: str, path: str, event: tuple, done
) -> dict:
    """A client-side navigation or a click: the route's event, timed to the update ending it."""
    client.path = path
    client.query = {"slug": path.rsplit("/", 1)[-1]} if path.startswith("/listing/") else {}
    seen: dict = {}

    def finished(update: dict) -> bool:
        seen.update(_delta(update, LISTING))
        return done(update)

    name, payload = event
    stats.ok(action, await client.call(name, payload, done=finished, timeout=TIMEOUT))
    return seen


async def _think(rng: random.Random) -> None:
    low, high = THINK
    if high > 0:
        await asyncio.sleep(rng.uniform(low, high))


async def _iteration(client: ReflexClient, stats: Stats, slugs: list[str], rng) -> None:
    await _timed(
        stats,
        "home",
        _navigate(client, stats, "home", "/", (f"{HOME}.load", {}), _assigned(HOME, "loaded")),
    )
    await _think(rng)
    await _timed(
        stats,
        "browse",
        _navigate(
            client,
            stats,
            "browse",
            "/browse",
            (f"{BROWSE}.load", {}),
            _assigned(BROWSE, "total"),
        ),
    )
    await _think(rng)
    await _timed(
        stats,
        "browse_filter",
        _navigate(
            client,
            stats,
            "browse_filter",
            "/browse",
            (f"{BROWSE}.set_category", {"value": rng.choice(CATEGORIES)}),
            _assigned(BROWSE, "total"),
        ),
    )
    client.path = "/search"

    async def search() -> None:
        seconds = await client.call(
            f"{SEARCH}.set_query",
            {"value": f"{rng.choice(QUERIES)} {rng.randrange(10**6)}"},
            done=_search_done,
        )
        stats.ok("search", seconds)

    await _think(rng)
    await _timed(stats, "search", search())
    slug = rng.choice(slugs)
    await _think(rng)
    loaded = await _timed(
        stats,
        "listing",
        _navigate(
            client,
            stats,
            "listing",
            f"/listing/{slug}",
            (f"{LISTING}.load", {}),
            _assigned(LISTING, "listing"),
        ),
    )
    listing = (loaded or {}).get("listing_rx_state_") or {}
    path = listing.get("default_file") or ""
    if path:
        await _think(rng)
        await _timed(
            stats,
            "code_tab",
            _navigate(
                client,
                stats,
                "code_tab",
                f"/listing/{slug}",
                (f"{LISTING}.open_file", {"path": path}),
                _assigned(LISTING, "code"),
            ),
        )


def _run_finished(update: dict) -> bool:
    """The panel's watcher assigns the result (or an error) when the run ends."""
    delta = _delta(update, SANDBOX)
    return bool(delta.get("result_rx_state_")) or bool(delta.get("error_rx_state_"))


async def _sandbox_run(client: ReflexClient, stats: Stats, slug: str) -> None:
    client.path, client.query = f"/listing/{slug}", {"slug": slug}
    await _timed(
        stats,
        "sandbox_panel",
        _navigate(
            client,
            stats,
            "sandbox_panel",
            f"/listing/{slug}",
            (f"{SANDBOX}.load", {}),
            _assigned(SANDBOX, "entry_points"),
        ),
    )

    async def run() -> None:
        seconds = await client.call(f"{SANDBOX}.start", {}, done=_run_finished, timeout=TIMEOUT)
        stats.ok("sandbox_run", seconds)

    await _timed(stats, "sandbox_run", run())


async def _purchase(base: str, key: str, slug: str, stats: Stats) -> None:
    """Buy with the test gateway from a program; done when the worker has fulfilled it."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, headers=headers) as http:
        started = time.perf_counter()
        try:
            created = await http.post("/api/v1/purchases", json={"listing_slug": slug})
            body = created.json()
            if created.status_code >= 400 or not body.get("checkout_url"):
                stats.fail("purchase")
                return
            paid = await http.post(body["checkout_url"], data={"card_number": "4242424242424242"})
            if paid.status_code >= 400:
                stats.fail("purchase")
                return
            deadline = started + TIMEOUT
            while time.perf_counter() < deadline:
                status = (await http.get(f"/api/v1/me/purchases/{body['purchase_id']}")).json()
                if status.get("status") == "paid":
                    stats.ok("purchase", time.perf_counter() - started)
                    return
                await asyncio.sleep(0.1)
        except (httpx.HTTPError, ValueError):
            pass
        stats.fail("purchase")


async def _sign_in_and_library(
    base: str, backend: str, origin: str, email: str, stats: Stats
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as http:
        started = time.perf_counter()
        response = await http.post(
            "/api/auth/signin",
            data={"email": email, "password": PASSWORD},
            headers={"Origin": origin},  # the app's own page posts the form
        )
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        if response.status_code >= 400 or not cookie:
            stats.fail("sign_in")
            return
        stats.ok("sign_in", time.perf_counter() - started)
    client = ReflexClient(backend, "/library")
    try:
        await asyncio.wait_for(client.connect(headers={"Cookie": cookie}), TIMEOUT)
        await _timed(
            stats,
            "library",
            _navigate(
                client,
                stats,
                "library",
                "/library",
                (f"{LIBRARY}.load", {}),
                _assigned(LIBRARY, "total"),
            ),
        )
    except Exception:
        stats.fail("library")
    finally:
        await client.close()


@dataclass
class Catalog:
    slugs: list[str]
    runnable: list[str]
    paid: list[str]
    keys: list[str]
    # Each user buys the paid listings in turn, so no purchase is refused as already owned.
    bought: dict[int, int] = field(default_factory=dict)

    def next_paid(self, user: int) -> str:
        turn = self.bought.get(user, 0)
        self.bought[user] = turn + 1
        return self.paid[(user * 7 + turn) % len(self.paid)]


async def _user(
    index: int, base: str, backend: str, origin: str, catalog: Catalog, stats, stop_at: float
):
    rng = random.Random(index)
    slugs = catalog.slugs
    client = ReflexClient(backend, "/")
    try:
        await asyncio.wait_for(client.connect(), TIMEOUT)
    except Exception:
        stats.fail("connect")
        return
    iteration = 0
    try:
        await _think(rng)  # users arrive over the first seconds, not in one instant
        while time.monotonic() < stop_at:
            await _iteration(client, stats, slugs, rng)
            await _think(rng)
            if iteration % 10 == index % 10 and catalog.runnable:
                await _sandbox_run(client, stats, rng.choice(catalog.runnable))
            if iteration % 5 == index % 5:
                await _sign_in_and_library(
                    base, backend, origin, f"load-{index}@example.com", stats
                )
            if iteration % 50 == index % 50 and catalog.paid:
                await _purchase(base, catalog.keys[index], catalog.next_paid(index), stats)
            iteration += 1
            if not client.sio.connected:
                stats.dropped += 1
                return
    finally:
        await client.close()


def _server_processes(pid: int) -> list[psutil.Process]:
    try:
        return [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


async def _run(users: int, base: str, catalog: Catalog, origin: str = "") -> Stats:
    """`base` serves the pages' websocket and the API: prod-local's nginx, or `make run`'s
    backend (whose pages live on another origin, `origin`)."""
    stats = Stats()
    stop_at = time.monotonic() + SECONDS
    await asyncio.gather(
        *(_user(i, base, base, origin or base, catalog, stats, stop_at) for i in range(users))
    )
    return stats


def _prepare(users: int) -> Catalog:
    """Accounts (with a `purchase` API key each) and the published slugs, in the database this
    process points at (prod-local's from its prod.env, or the dev app's data dir)."""
    from sqlmodel import select

    from vibecoder.domain.accounts import api_keys, auth
    from vibecoder.domain.sandbox_runs.panel import panel_for
    from vibecoder.infra.db import session_scope
    from vibecoder.models.catalog import Listing
    from vibecoder.models.commerce import Purchase
    from vibecoder.models.users import User

    keys = []
    bought: dict[int, int] = {}
    with session_scope() as session:
        for i in range(users):
            email = f"load-{i}@example.com"
            user = session.exec(select(User).where(User.email == email)).first()
            if user is None:
                user = auth.register(session=session, email=email, password=PASSWORD)
            for old in api_keys.list_api_keys(session=session, user=user):
                api_keys.revoke_api_key(session=session, user=user, key_id=old.id)
            key, _ = api_keys.create_api_key(
                session=session, user=user, name="bench-load", scopes=("read", "purchase")
            )
            keys.append(key)
            # A rerun on the same data dir: start after what this user already bought, so no
            # purchase is refused as owned (that would count the bench's mistake as an error).
            bought[i] = len(
                session.exec(select(Purchase.id).where(Purchase.buyer_id == user.id)).all()
            )
        published = list(session.exec(select(Listing).where(Listing.status == "published")))
        return Catalog(
            slugs=[row.slug for row in published],
            # What the listing page's panel offers to run (the seller's default or a runnable
            # file of the latest version); web pages have nothing to run.
            runnable=[
                row.slug
                for row in published
                if panel_for(session=session, slug=row.slug, viewer=None).entry_points
            ],
            paid=[row.slug for row in published if row.price_cents > 0],
            keys=keys,
            bought=bought,
        )


def _summarise(stats: Stats, seconds: float, cpu: float) -> dict:
    actions = {}
    for name, times in sorted(stats.times.items()):
        ms = [t * 1000 for t in times]
        actions[name] = {
            "n": len(ms),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "errors": stats.errors.get(name, 0),
        }
    done = sum(len(t) for t in stats.times.values())
    return {
        "actions": actions,
        "errors": dict(stats.errors),
        "dropped_websockets": stats.dropped,
        "actions_per_second": round(done / seconds, 1),
        "server_cpu_percent": round(100 * cpu / seconds, 1),
    }


def _chart(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, runs in results["runs"].items():
        for action in ("browse", "search", "listing"):
            points = [
                (int(n), run["actions"][action]["p95_ms"])
                for n, run in runs.items()
                if action in run["actions"]
            ]
            if points:
                ax.plot(*zip(*sorted(points), strict=True), marker="o", label=f"{label} {action}")
    ax.axhline(300, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("concurrent users")
    ax.set_ylabel("p95 ms")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(RESULTS / "load_p95.png", dpi=100)


# Every simulated user comes from 127.0.0.1 through nginx: the per-address limits, meant for
# strangers on the internet, would measure the limiter instead of the app; the hourly sandbox
# and per-key API budgets too (a run's users repeat the mix for every N).
LIFTED_LIMITS = {
    "VIBECODER_SEARCH_PER_IP_PER_MINUTE": str(10**9),
    "VIBECODER_LICENSE_API_PER_IP_PER_MINUTE": str(10**9),
    "VIBECODER_SANDBOX_RUNS_PER_IP_PER_HOUR": str(10**9),
    "VIBECODER_SANDBOX_RUNS_PER_USER_PER_HOUR": str(10**9),
    "VIBECODER_API_REQUESTS_PER_KEY_PER_MINUTE": str(10**9),
    "VIBECODER_API_REQUESTS_PER_IP_PER_MINUTE": str(10**9),
}


def _measure(users: int, base: str, catalog: Catalog, pid: int, origin: str = "") -> dict:
    processes = _server_processes(pid)
    cpu_before, started = _cpu_seconds(processes), time.monotonic()
    stats = asyncio.run(_run(users, base, catalog, origin))
    elapsed = time.monotonic() - started
    return _summarise(stats, elapsed, _cpu_seconds(processes) - cpu_before)


def _dev_runs(results: dict) -> None:
    """The same mix against `make run` (`python -m vibecoder dev`: one dev backend, the dev
    frontend server, Celery workers), for comparison with the production topology."""
    from bench.event_loop import App
    from vibecoder.infra.db import reset_engine
    from vibecoder.infra.embedded import EmbeddedServices
    from vibecoder.settings import get_settings

    app = App()  # a private data dir and ports; inherits the lifted limits from os.environ
    label = "make_run"
    results["runs"][label] = {}
    try:
        app.wait_until_up()
        urls = EmbeddedServices(app.data_dir).running_urls()
        assert urls is not None, "the dev app's services are not running"
        os.environ.update(urls.as_env())
        get_settings.cache_clear()
        reset_engine()
        catalog = _prepare(max(USERS))
        results["settled"][label] = wait_until_settled()
        assert app.process is not None
        for users in USERS:
            results["runs"][label][str(users)] = _measure(
                users, app.backend_url, catalog, app.process.pid, origin=app.app_url
            )
    finally:
        app.stop()


def main() -> None:
    os.environ.update(LIFTED_LIMITS)
    clean_env = dict(os.environ)
    results: dict = {
        "seconds": SECONDS,
        "users": USERS,
        "think_seconds": THINK,
        "settled": {},
        "runs": {},
    }
    base = f"http://127.0.0.1:{topology.HTTP_PORT}"
    for backends in BACKENDS if "prod-local" in TARGETS else []:
        proc = topology._start(backends)
        label = f"{backends}_backends"
        results["runs"][label] = {}
        try:
            topology._wait_ready(proc, backends)
            topology._license_key()  # points this process at prod-local's services
            catalog = _prepare(max(USERS))
            results["settled"][label] = wait_until_settled()
            for users in USERS:
                results["runs"][label][str(users)] = _measure(users, base, catalog, proc.pid)
        finally:
            topology._stop(proc)
    if "dev" in TARGETS:
        # prod-local's settings (production, its secret and database) stay out of the dev app.
        os.environ.clear()
        os.environ.update(clean_env)
        _dev_runs(results)
    path = write_result("load", results)
    rows = []
    for label, runs in results["runs"].items():
        for users, run in runs.items():
            rows.append(
                (
                    f"{label} N={users}",
                    f"{run['actions_per_second']} actions/s  cpu {run['server_cpu_percent']}%"
                    f"  errors {sum(run['errors'].values())}  dropped {run['dropped_websockets']}",
                )
            )
            for action, a in run["actions"].items():
                rows.append(
                    (
                        f"  {action}",
                        f"p50 {a['p50_ms']}  p95 {a['p95_ms']}  p99 {a['p99_ms']} ms  n {a['n']}",
                    )
                )
    think = f"think {THINK[0]:g}-{THINK[1]:g} s" if THINK[1] > 0 else "no think time"
    print_table(f"Load ({SECONDS:g}s per N, {think}, Reflex websocket users)", rows)
    _chart(results)
    print(f"\nwritten to {path} and {RESULTS / 'load_p95.png'}")


if __name__ == "__main__":
    main()
