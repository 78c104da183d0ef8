"""A user creates a scoped API key on the account page, a program uses it, the page shows when
and from where, and Revoke stops it at once; the API's docs page shows the whole API."""

from __future__ import annotations

import httpx
import pytest
import redis
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_up_buyer, wait_for_app

PASSWORD = "amber-lantern-2026"


# The first test of the file also waits for the app to start (a compile on a cold checkout).
@pytest.mark.timeout(900)
def test_create_use_see_and_revoke_an_api_key(page, live_app):
    sign_up_buyer(page, live_app, "keys", PASSWORD, "/account")
    page.fill("input[name=name]", "my script")
    page.check("#scope-sandbox")  # read is ticked already
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-api-key").inner_text(timeout=30_000).strip()
    assert key.startswith("vck_")
    # The key reached the page without passing through Reflex state (pickled into Redis).
    store = redis.Redis.from_url(live_app.redis_url)
    assert not [k for k in store.scan_iter(count=1000) if key.encode() in (store.dump(k) or b"")]
    row = page.get_by_role("row").filter(has_text="my script")
    expect(row).to_contain_text("read, sandbox")
    expect(row).to_contain_text("never")

    api = f"{live_app.backend_url}/api/v1"
    me = httpx.get(f"{api}/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["scopes"] == ["read", "sandbox"]
    page.reload()
    wait_for_app(page)
    row = page.get_by_role("row").filter(has_text="my script")
    expect(row).to_contain_text("UTC from 127.0.0.1")
    page.screenshot(path=str(ARTIFACTS / "account-api-keys.png"), full_page=True)

    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("revoked")
    refused = httpx.get(f"{api}/me", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_api_key"


def test_the_docs_page_shows_every_operation(page, live_app):
    spec = httpx.get(f"{live_app.backend_url}/api/v1/openapi.json").json()
    page.goto(f"{live_app.backend_url}/api/v1/docs")
    expect(page.get_by_role("heading", name="VibeCoder API")).to_be_visible()
    text = page.locator("main").inner_text()
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()} /api/v1{path}" in text, (method, path)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)


def test_only_the_apps_own_pages_can_create_a_key(page, live_app):
    """The key route takes the session cookie, so it refuses another site's Origin."""
    sign_up_buyer(page, live_app, "keys-origin", PASSWORD, "/account")
    cookies = {c["name"]: c["value"] for c in page.context.cookies() if c["name"] == "vc_session"}
    url = f"{live_app.backend_url}/api/account/api-keys"
    foreign = httpx.post(
        url, data={"name": "x"}, cookies=cookies, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    own = httpx.post(
        url,
        data={"name": "ok", "scope_read": "on"},
        cookies=cookies,
        headers={"Origin": live_app.frontend_url},
    )
    assert own.status_code == 200 and own.json()["key"].startswith("vck_")
    assert own.headers["cache-control"] == "no-store"
    signed_out = httpx.post(url, data={"name": "x"}, headers={"Origin": live_app.frontend_url})
    assert signed_out.status_code == 401
