"""The public API v1 in process: keys and scopes, revocation, suspension, IDOR, CSRF, errors,
ETags, cursors, limits, selling, and the `apikey` CLI."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.conftest import run_cli
from tests.fakes.commerce import (
    FILES,
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    publish,
    zip_of,
)
from vibecoder.builder.service import projects as builder_projects
from vibecoder.domain.accounts import api_keys, auth
from vibecoder.domain.commerce import checkout
from vibecoder.domain.sandbox_runs import runs
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.users import ApiKey, Role, User

V1 = "/api/v1"


def key_for(db, user: User, scopes: str = "read") -> str:
    plaintext, _ = api_keys.create_api_key(session=db, user=user, name="test", scopes=scopes)
    db.commit()
    return plaintext


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["detail"]
    assert body["type"].endswith(code)
    return body


def test_openapi_31_lists_every_endpoint_and_the_docs_page_shows_them_offline(api):
    spec = api.get(f"{V1}/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/listings",
        "/listings/{slug}",
        "/listings/{slug}/versions",
        "/search",
        "/me/purchases",
        "/purchases",
        "/listings/{slug}/download",
        "/listings/{slug}/reviews",
        "/licenses/activate",
        "/sandbox/runs",
        "/sandbox/runs/{run_id}/events",
        "/builder/projects",
        "/builder/projects/{project_id}/runs/{run_id}/approve",
        "/builder/projects/{project_id}/runs/{run_id}/events",
        "/builder/projects/{project_id}/versions/{number}/zip",
    ):
        assert path in spec["paths"], path
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"]["scheme"] == "bearer"
    not_found = spec["paths"]["/listings/{slug}"]["get"]["responses"]["404"]["content"]
    assert list(not_found) == ["application/problem+json"]
    docs = api.get(f"{V1}/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    # Self-contained: no script, no stylesheet or font from anywhere else.
    assert "<script" not in docs.text and not re.search(r"(src|href)=['\"]?https?://", docs.text)
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()}</span> <code>/api/v1{path}</code>" in docs.text


def test_a_read_key_reads_but_cannot_buy_and_a_revoked_key_is_refused_at_once(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    publish(db, seller, pricing_model="free", price_cents=0)
    key = key_for(db, buyer, "read")
    me = api.get(f"{V1}/me", headers=bearer(key))
    assert me.json() == {
        "username": buyer.username,
        "role": "buyer",
        "scopes": ["read"],
        "via": "api_key",
    }
    row = db.exec(select(ApiKey)).one()
    db.refresh(row)
    assert row.last_used_at is not None and row.last_used_ip == "testclient"
    assert row.key_hash != key and key not in str(row.model_dump()) and row.prefix == key[:12]
    refused = api.post(f"{V1}/purchases", json={"listing_slug": "csv-deduper"}, headers=bearer(key))
    assert_problem(refused, 403, "insufficient_scope")
    api_keys.revoke_api_key(session=db, user=buyer, key_id=row.id)
    db.commit()
    gone = api.get(f"{V1}/me", headers=bearer(key))
    assert_problem(gone, 401, "invalid_api_key")
    assert gone.headers["www-authenticate"].startswith("Bearer")
    assert_problem(api.get(f"{V1}/me"), 401, "unauthenticated")
    assert_problem(api.get(f"{V1}/me", headers=bearer("vck_nope")), 401, "invalid_api_key")


def test_a_suspended_users_key_is_refused(db, api):
    user = make_user(db, "buyer@example.com")
    key = key_for(db, user, "read,purchase")
    assert api.get(f"{V1}/me", headers=bearer(key)).status_code == 200
    user.is_suspended = True
    db.add(user)
    db.commit()
    assert_problem(api.get(f"{V1}/me", headers=bearer(key)), 401, "invalid_api_key")


def test_scopes_are_validated_at_creation(db):
    user = make_user(db, "buyer@example.com")
    with pytest.raises(Exception, match="Unknown scope admin"):
        api_keys.create_api_key(session=db, user=user, name="x", scopes="read,admin")
    _, key = api_keys.create_api_key(session=db, user=user, name="x", scopes="sandbox, read")
    assert key.scopes == ["read", "sandbox"]


def test_a_purchase_claims_a_free_listing_and_downloads_verify(db, api):
    import hashlib

    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    publish(db, seller, pricing_model="free", price_cents=0, license_type="mit")
    key = key_for(db, buyer, "read,purchase")
    not_owned = api.get(f"{V1}/listings/csv-deduper/download", headers=bearer(key))
    assert_problem(not_owned, 403, "not_owned")
    claimed = api.post(f"{V1}/purchases", json={"listing_slug": "csv-deduper"}, headers=bearer(key))
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["status"] == "paid" and claimed.json()["checkout_url"] is None
    mine = api.get(f"{V1}/me/purchases", headers=bearer(key)).json()
    assert [p["listing_slug"] for p in mine["items"]] == ["csv-deduper"]
    info = api.get(f"{V1}/listings/csv-deduper/download", headers=bearer(key)).json()
    assert info["version"] == "1.0.0" and info["license_key"].startswith("VC-")
    archive = api.get(info["url"].split("localhost:8000", 1)[-1])
    assert archive.status_code == 200
    assert hashlib.sha256(archive.content).hexdigest() == info["sha256"]


def test_another_users_purchase_run_project_and_version_are_404_like_missing(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    owner = make_user(db, "owner@example.com")
    other = make_user(db, "other@example.com")
    listing = publish(db, seller, pricing_model="free", price_cents=0)
    purchase = checkout.claim_free(session=db, buyer=owner, listing_id=listing.id)
    run = runs.request_run(
        session=db,
        redis_client=get_redis(),
        listing_id=listing.id,
        viewer=owner,
        ip="127.0.0.1",
        entry_point="dedupe.py",
    )
    project = builder_projects.create_project(
        session=db, owner_id=owner.id, name="Mine", provider="scripted"
    )
    builder_projects.create_version(
        session=db,
        project_id=project.id,
        files={"App.jsx": "export default () => null;\n"},
        bundle_js="",
        css="",
        message="v1",
        provider="scripted",
        model=None,
    )
    db.commit()
    all_scopes = ",".join(api_keys.SCOPES)
    owner_key, other_key = key_for(db, owner, all_scopes), key_for(db, other, all_scopes)
    pairs = [
        (f"/me/purchases/{purchase.id}", "/me/purchases/999999"),
        (f"/sandbox/runs/{run.public_id}", "/sandbox/runs/doesnotexist"),
        (f"/builder/projects/{project.public_id}", "/builder/projects/doesnotexist"),
        (
            f"/builder/projects/{project.public_id}/versions/1/zip",
            f"/builder/projects/{project.public_id}/versions/99/zip",
        ),
        (
            f"/builder/projects/{project.public_id}/runs/somerun",
            "/builder/projects/doesnotexist/runs/somerun",
        ),
    ]
    for theirs, missing in pairs:
        ok = api.get(V1 + theirs, headers=bearer(owner_key))
        if "runs/somerun" not in theirs:
            assert ok.status_code == 200, (theirs, ok.text)
        as_other = api.get(V1 + theirs, headers=bearer(other_key))
        nothing = api.get(V1 + missing, headers=bearer(other_key))
        assert as_other.status_code == nothing.status_code == 404, theirs
        strip = {"detail", "type", "code"}
        assert {k: v for k, v in as_other.json().items() if k not in strip} == {
            k: v for k, v in nothing.json().items() if k not in strip
        }
        assert as_other.json()["code"] == nothing.json()["code"]


def test_the_session_cookie_works_and_unsafe_requests_need_csrf_proof(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    publish(db, seller, pricing_model="free", price_cents=0)
    token = auth.create_session(session=db, user=buyer)
    db.commit()
    api.cookies.set(auth.SESSION_COOKIE, token)
    try:
        assert api.get(f"{V1}/me").json()["via"] == "session"
        body = {"listing_slug": "csv-deduper"}
        assert_problem(api.post(f"{V1}/purchases", json=body), 403, "csrf_failed")
        forged = api.post(
            f"{V1}/purchases",
            json=body,
            headers={"X-VibeCoder-CSRF": "1", "Origin": "https://evil.example"},
        )
        assert_problem(forged, 403, "csrf_failed")
        ours = api.post(
            f"{V1}/purchases",
            json=body,
            headers={"X-VibeCoder-CSRF": "1", "Origin": "http://testserver"},
        )
        assert ours.status_code == 201, ours.text
    finally:
        api.cookies.clear()


def test_catalog_reads_have_etags_and_cursor_pages(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    for title in ("Alpha Tool", "Beta Tool", "Gamma Tool"):
        publish(db, seller, title=title, pricing_model="free", price_cents=0)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "pricing": "free", **({"cursor": cursor} if cursor else {})}
        page = api.get(f"{V1}/listings", params=params).json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == ["alpha-tool", "beta-tool", "gamma-tool"] and page["total"] == 3
    first = api.get(f"{V1}/listings/alpha-tool")
    assert first.json()["versions"][0]["version"] == "1.0.0"
    assert {f["path"] for f in first.json()["files"]} == set(FILES)
    again = api.get(f"{V1}/listings/alpha-tool", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert_problem(api.get(f"{V1}/listings", params={"cursor": "bogus"}), 422, "invalid_cursor")
    assert_problem(api.get(f"{V1}/listings", params={"limit": 0}), 422, "invalid_request")
    assert_problem(api.get(f"{V1}/listings/no-such-listing"), 404, "listing_not_found")
    assert api.get(f"{V1}/listings", params={"pricing": "one_time"}).json()["total"] == 0


def test_requests_are_limited_per_key(db, api):
    user = make_user(db, "buyer@example.com")
    key = key_for(db, user)
    with configured(VIBECODER_API_REQUESTS_PER_KEY_PER_MINUTE="3"):
        codes = [api.get(f"{V1}/me", headers=bearer(key)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = api.get(f"{V1}/me", headers=bearer(key))
        assert_problem(limited, 429, "rate_limited")
        assert int(limited.headers["retry-after"]) >= 1
        # Another key of the same user has its own budget.
        assert api.get(f"{V1}/me", headers=bearer(key_for(db, user))).status_code == 200


def test_a_sell_key_creates_and_publishes_and_others_cannot_touch_it(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    rival = make_user(db, "rival@example.com", Role.seller)
    key, rival_key = key_for(db, seller, "read,sell"), key_for(db, rival, "read,sell")
    data = {
        "title": "Log Tailer",
        "summary": "Follows log files.",
        "category": "CLI tools",
        "technologies": ["python"],
        "pricing_model": "free",
        "price_cents": 0,
        "license_type": "mit",
    }
    created = api.post(f"{V1}/listings", json=data, headers=bearer(key))
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft" and created.json()["slug"] == "log-tailer"
    upload = api.post(
        f"{V1}/listings/log-tailer/versions",
        headers=bearer(key),
        data={"version": "1.0.0", "changelog": "First"},
        files={"file": ("code.zip", zip_of({"tail.py": "print('tail')\n"}), "application/zip")},
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["listing_status"] == "published" and upload.json()["file_count"] == 1
    assert api.get(f"{V1}/listings/log-tailer").json()["latest_version"] == "1.0.0"
    duplicate = api.post(
        f"{V1}/listings/log-tailer/versions",
        headers=bearer(key),
        data={"version": "1.0.0"},
        files={"file": ("code.zip", zip_of({"tail.py": "x"}), "application/zip")},
    )
    assert duplicate.status_code in (409, 422) and duplicate.json()["code"]
    hijack = api.put(
        f"{V1}/listings/log-tailer", json={**data, "title": "Mine now"}, headers=bearer(rival_key)
    )
    assert_problem(hijack, 404, "listing_not_found")
    renamed = api.put(
        f"{V1}/listings/log-tailer", json={**data, "title": "Log Tailer 2"}, headers=bearer(key)
    )
    assert renamed.json()["title"] == "Log Tailer 2"
    read_only = key_for(db, seller, "read")
    assert_problem(
        api.post(f"{V1}/listings", json=data, headers=bearer(read_only)), 403, "insufficient_scope"
    )


def test_license_api_is_served_by_v1_and_keeps_its_shape(db, api):
    bad = api.post(f"{V1}/licenses/validate", json={"license_key": "VC-NOPE"})
    assert bad.status_code == 404
    assert bad.json()["valid"] is False and bad.json()["error"] == "license_not_found"


def test_apikey_cli_creates_lists_and_revokes(db):
    make_user(db, "cli@example.com")
    created = run_cli(
        "apikey",
        "create",
        "--email",
        "cli@example.com",
        "--name",
        "ci",
        "--scopes",
        "read,purchase",
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("vck_") and "\n" not in key
    db.expire_all()
    principal = api_keys.authenticate(session=db, key=key)
    assert principal is not None and principal.scopes == {"read", "purchase"}
    db.rollback()
    listed = run_cli("apikey", "list", "--email", "cli@example.com", "--json")
    rows = __import__("json").loads(listed.stdout)
    assert rows[0]["prefix"] == key[:12] and key not in listed.stdout
    revoked = run_cli("apikey", "revoke", "--email", "cli@example.com", str(rows[0]["id"]))
    assert revoked.returncode == 0, revoked.stderr
    db.expire_all()
    assert api_keys.authenticate(session=db, key=key) is None
    bad = run_cli(
        "apikey", "create", "--email", "cli@example.com", "--name", "x", "--scopes", "root"
    )
    assert bad.returncode == 1 and "Unknown scope root" in bad.stderr
