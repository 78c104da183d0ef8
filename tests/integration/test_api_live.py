"""The public API over a real socket: schemathesis against the live server, the issue's "done
when" script (httpx and an API key only), and `python -m vibecoder get` from the terminal."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from tests.conftest import PROJECT_ROOT, run_cli
from tests.fakes.commerce import make_user, publish
from vibecoder.domain.accounts import api_keys, auth
from vibecoder.infra.embedded import free_port
from vibecoder.models.users import Role

ALL_SCOPES = ",".join(api_keys.SCOPES)
# The coverage phase alone takes 30-45 s on the 2-core build machine; the signed-in run must
# leave time for fuzzing after it (the test asserts fuzzing ran).
SCHEMATHESIS_SECONDS = 25


@pytest.fixture(scope="module")
def live_api(services, celery_worker, tmp_path_factory):
    """The API routes (the same Starlette app Reflex mounts) served by granian on loopback."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("live-api") / "granian.log"
    env = {
        **os.environ,
        # Signed download and checkout links must point at this server.
        "VIBECODER_API_URL": url,
        # Schemathesis sends hundreds of requests a minute; limits are tested in process.
        "VIBECODER_API_REQUESTS_PER_KEY_PER_MINUTE": "1000000",
        "VIBECODER_API_REQUESTS_PER_IP_PER_MINUTE": "1000000",
        "VIBECODER_LICENSE_API_PER_IP_PER_MINUTE": "1000000",
    }
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "asgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-ws",
                "vibecoder.api.asgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text()[-3000:])
            try:
                if httpx.get(f"{url}/api/v1/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            proc.terminate()
            raise RuntimeError(log_path.read_text()[-3000:])
        # The first search loads the embedding model into the server: not part of any timing.
        httpx.get(f"{url}/api/v1/search", params={"q": "warm up"}, timeout=300)
        yield url
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _key(db, email: str, scopes: str, role: Role = Role.buyer) -> str:
    user = make_user(db, email, role)
    plaintext, _ = api_keys.create_api_key(session=db, user=user, name="script", scopes=scopes)
    db.commit()
    return plaintext


def _schemathesis(url: str, *extra: str, phases: str, seconds: int) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{url}/api/v1/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,"
            "status_code_conformance",
            "--mode",
            "all",
            "--phases",
            phases,
            "--max-examples",
            "8",
            "--max-time",
            str(seconds),
            "--seed",
            "20261127",
            "--request-timeout",
            "30",
            "--workers",
            "1",
            "--warnings",
            "off",
            "--no-shrink",
            *extra,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=seconds * 3,
    )
    if result.returncode != 0:
        pytest.fail(f"schemathesis failed:\n{result.stdout[-12000:]}\n{result.stderr[-2000:]}")
    return result.stdout


@pytest.mark.timeout(600)
def test_schemathesis_finds_no_5xx_and_no_schema_violation(db, live_api):
    """Every operation, valid and invalid input (--mode all), anonymous and with a key of every
    scope: no 5xx, every response matches its documented status, media type and schema."""
    seller_key = _key(db, "fuzz-seller@example.com", ALL_SCOPES, Role.seller)
    seller = auth.get_user_by_email(session=db, email="fuzz-seller@example.com")
    publish(db, seller, pricing_model="free", price_cents=0, license_type="mit")
    spec = httpx.get(f"{live_api}/api/v1/openapi.json").json()
    operations = sum(len(item) for item in spec["paths"].values())
    anonymous = _schemathesis(live_api, phases="coverage", seconds=SCHEMATHESIS_SECONDS)
    signed_in = _schemathesis(
        live_api,
        "-H",
        f"Authorization: Bearer {seller_key}",
        phases="coverage,fuzzing",
        seconds=SCHEMATHESIS_SECONDS * 3,
    )
    for output in (anonymous, signed_in):
        # Every operation was exercised (a filter typo must not make the run vacuous).
        assert f"{operations} selected / {operations} total" in output, output[-3000:]
        assert "No issues found" in output, output[-3000:]
    assert "No tests were run" not in signed_in, signed_in[-3000:]


def _wait(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _sse(client: httpx.Client, path: str, *, until: set[str], timeout: float = 180):
    """Events of a server-sent stream as (event, data) until one of `until` arrives."""
    events = []
    with client.stream("GET", path, timeout=timeout) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in response.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind:
                events.append((kind, json.loads(line.split(":", 1)[1])))
                if kind in until:
                    return events
    return events


SCRIPT = "import sys\nprint('weather:', ' '.join(sys.argv[1:]) or 'sunny')\n"


@pytest.mark.timeout(480)
def test_done_when_a_script_with_only_httpx_and_a_key_finds_buys_fetches_runs_and_builds(
    db, live_api, tmp_path
):
    # A seller publishes through the API too.
    seller_key = _key(db, "seller@example.com", "read,sell", Role.seller)
    buyer_key = _key(db, "buyer@example.com", ALL_SCOPES)
    seller = httpx.Client(
        base_url=f"{live_api}/api/v1", headers={"Authorization": f"Bearer {seller_key}"}
    )
    listing = {
        "title": "Forecast Teller",
        "summary": "Tells tomorrow's weather for your town from the command line.",
        "description": "Prints a forecast: rain, sun or snow.",
        "category": "CLI tools",
        "technologies": ["python"],
        "pricing_model": "one_time",
        "price_cents": 500,
        "license_type": "personal",
    }
    assert seller.post("/listings", json=listing).status_code == 201
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("main.py", SCRIPT)
    upload = seller.post(
        "/listings/forecast-teller/versions",
        data={"version": "1.0.0", "changelog": "First release"},
        files={"file": ("forecast.zip", archive.getvalue(), "application/zip")},
    )
    assert upload.status_code == 201, upload.text

    # --- the script: httpx and an API key, nothing else -------------------------------------
    api = httpx.Client(
        base_url=f"{live_api}/api/v1",
        headers={"Authorization": f"Bearer {buyer_key}"},
        timeout=60,
    )
    # Embed it here, as the embeddings task does (the shared test worker's torch can stall
    # after fork on a loaded machine; the worker path has its own test in test_search.py).
    from vibecoder.domain.search.index import embed_listing
    from vibecoder.models.catalog import Listing

    listing_id = db.exec(select(Listing.id).where(Listing.slug == "forecast-teller")).one()
    embed_listing(session=db, listing_id=listing_id)
    db.commit()
    # 1. Find it by a vibe: no word of the query is in the listing.
    found = _wait(
        lambda: [
            hit
            for hit in api.get("/search", params={"q": "meteorology predictions"}).json()["items"]
            if hit["slug"] == "forecast-teller" and "semantic" in hit["matched"]
        ],
        timeout=90,
        what="the listing to be embedded and found by meaning",
    )
    assert found[0]["matched"] == ["semantic"]
    # 2. Buy it with the test gateway: start a checkout, pay with a test card.
    checkout = api.post("/purchases", json={"listing_slug": "forecast-teller"}).json()
    assert checkout["status"] == "pending" and checkout["checkout_url"]
    card = {"card_number": "4242 4242 4242 4242"}
    # Only the buyer pays: without their session or key the checkout is not found.
    assert httpx.post(checkout["checkout_url"], data=card).status_code == 404
    paid = httpx.post(
        checkout["checkout_url"], data=card, headers={"Authorization": f"Bearer {buyer_key}"}
    )
    assert paid.status_code == 303, paid.text
    _wait(
        lambda: api.get(f"/me/purchases/{checkout['purchase_id']}").json()["status"] == "paid",
        timeout=60,
        what="fulfilment",
    )
    # 3. Download, verify and unpack it.
    info = api.get("/listings/forecast-teller/download").json()
    blob = httpx.get(info["url"]).content
    assert hashlib.sha256(blob).hexdigest() == info["sha256"]
    zipfile.ZipFile(io.BytesIO(blob)).extractall(tmp_path / "fetched")
    assert (tmp_path / "fetched" / "forecast-teller-1.0.0" / "main.py").read_text() == SCRIPT
    assert info["license_key"].startswith("VC-")
    # 4. Run its file in the sandbox and follow it to the end.
    run = api.post(
        "/sandbox/runs", json={"listing_slug": "forecast-teller", "args": ["rain", "at", "noon"]}
    )
    assert run.status_code == 202, run.text
    events = _sse(api, f"/sandbox/runs/{run.json()['id']}/events", until={"timeout"}, timeout=120)
    final = events[-1][1]
    assert final["finished"] and final["status"] == "done", final
    assert final["stdout"] == "weather: rain at noon\n" and final["exit_code"] == 0
    assert api.get(f"/sandbox/runs/{run.json()['id']}").json()["stdout"] == final["stdout"]
    # 5. Build a page with the offline model: prompt, plan, approve, follow, download.
    started = api.post(
        "/builder/projects",
        json={
            "prompt": "A landing page for a weather app with a hero and a pricing section",
            "model": "scripted:scripted-1",
        },
    )
    assert started.status_code == 201, started.text
    project, run_id = started.json()["project_id"], started.json()["run_id"]
    events_path = started.json()["events_url"].removeprefix("/api/v1")
    state = _wait(
        lambda: (
            (s := api.get(f"/builder/projects/{project}/runs/{run_id}").json())["status"]
            in ("awaiting_approval", "running", "done")
            and s
        ),
        timeout=120,
        what="the plan",
    )
    if state["status"] == "awaiting_approval":
        assert state["plan"]
        approved = api.post(f"/builder/projects/{project}/runs/{run_id}/approve", json={})
        assert approved.status_code == 202, approved.text
    events = _sse(api, events_path, until={"done"}, timeout=300)
    kinds = [kind for kind, _ in events]
    assert "version_created" in kinds and kinds[-1] == "done", kinds[-10:]
    assert events[-1][1]["status"] == "done"
    versions = api.get(f"/builder/projects/{project}").json()["versions"]
    assert versions
    page = api.get(versions[-1]["zip_url"].removeprefix("/api/v1"))
    assert page.status_code == 200 and page.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(page.content)).namelist()
    assert any(name.endswith((".jsx", ".html", ".js")) for name in names), names

    # --- and `vibecoder get` does the download part from the terminal ------------------------
    env = {**os.environ, "VIBECODER_API_URL": live_api, "VIBECODER_API_KEY": buyer_key}
    out = tmp_path / "forecast"
    got = run_cli("get", "forecast-teller", "--out", str(out), env=env)
    assert got.returncode == 0, got.stderr
    assert (out / "main.py").read_text() == SCRIPT
    assert f"License key: {info['license_key']}" in got.stdout
    assert info["sha256"] in got.stdout
    # A new version: `get` again shows the changelog since the version we had.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("main.py", SCRIPT.replace("sunny", "cloudy"))
    assert (
        seller.post(
            "/listings/forecast-teller/versions",
            data={"version": "1.1.0", "changelog": "Cloudy is the new default"},
            files={"file": ("forecast.zip", archive.getvalue(), "application/zip")},
        ).status_code
        == 201
    )
    again = run_cli("get", "forecast-teller", "--out", str(out), env=env)
    assert again.returncode == 0, again.stderr
    assert "Changes since 1.0.0:" in again.stdout and "Cloudy is the new default" in again.stdout
    assert "cloudy" in (out / "main.py").read_text()
    # A key without access, and a listing it does not own, fail clearly.
    stranger = _key(db, "stranger@example.com", "read")
    refused = run_cli(
        "get",
        "forecast-teller",
        "--out",
        str(tmp_path / "nope"),
        env={**env, "VIBECODER_API_KEY": stranger},
    )
    assert refused.returncode == 1 and "get:" in refused.stderr
    assert not (tmp_path / "nope").exists()
    assert Path(out / ".vibecoder.json").exists()
