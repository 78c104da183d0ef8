"""GET /preview/<project>/<version>/?t=…: the owner's page under a strict CSP; 404 for others.

The preview origin never sees the app's session cookie: the owner is proven by a signed,
expiring link token (vibecoder/builder/service/preview.py sign_preview).
"""

from __future__ import annotations

import concurrent.futures
import os
import time

from tests.fakes.commerce import api_fixture, make_user  # noqa: F401 - the `api` fixture
from tests.preview_frame import reporting_frame_messages
from vibecoder.builder.service.preview import sign_preview
from vibecoder.builder.service.projects import create_project, create_version
from vibecoder.domain.accounts import auth
from vibecoder.settings import get_settings

BUNDLE = """(() => {
  const root = document.getElementById("root");
  root.textContent = "Hello from the bundle </script> still inside";
  fetch("http://127.0.0.1:9/exfiltrate").then(
    () => { document.body.dataset.fetch = "allowed"; },
    () => { document.body.dataset.fetch = "blocked"; },
  );
})();
"""
CSS = "#root { color: rgb(1, 2, 3); }"
CHROMIUM = os.environ.get("VIBECODER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _project(db, owner, *, name="Coffee shop"):
    project = create_project(session=db, owner_id=owner.id, name=name, provider="scripted")
    for message in ("First", "Second"):
        create_version(
            session=db,
            project_id=project.id,
            files={"src/App.jsx": "export default function App() { return null; }\n"},
            bundle_js=BUNDLE.replace("Hello", message),
            css=CSS,
            message=message,
            provider="scripted",
            model="scripted-demo",
        )
    db.commit()
    return project


def _signed_in(db, user) -> int:
    # A session cookie would not help: only the link token counts on the preview origin.
    auth.create_session(session=db, user=user)
    db.commit()
    return user.id


def _get(api, path: str, viewer: int | str | None, *, now: float | None = None):
    """GET a preview path with a link token signed for `viewer` (a user id), or a raw `t`."""
    api.cookies.clear()
    _, _, public_id, number, _ = path.split("/")
    if isinstance(viewer, int):
        token = sign_preview(public_id=public_id, number=int(number), user_id=viewer, now=now)
        return api.get(path, params={"t": token})
    return api.get(path, params={"t": viewer} if viewer else None)


def test_owner_gets_the_version_page_with_a_strict_csp(db, api):
    owner = make_user(db, "owner@example.com")
    project = _project(db, owner, name="Coffee <shop>")
    token = _signed_in(db, owner)

    response = _get(api, f"/preview/{project.public_id}/2/", token)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert "Second from the bundle" in body and "First from the bundle" not in body
    # The bundle cannot close its own <script> early; the title is escaped.
    assert "</script> still" not in body and "<\\/script> still" in body
    assert "<title>Coffee &lt;shop&gt;</title>" in body
    assert "<script src=" not in body and "<link" not in body

    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'none'"
    # Two hashes: the ready/error reporter and the bundle, and scripts the bundle itself
    # loads from blob: URLs (a static page's own scripts); nothing else may run.
    *script_hashes, blob = directives["script-src"].split(" ")
    assert len(script_hashes) == 2 and all(h.startswith("'sha256-") for h in script_hashes)
    assert blob == "blob:"
    assert directives["style-src"].startswith("'sha256-") and " " not in directives["style-src"]
    assert directives["img-src"] == "data: blob:"  # no https: escape for a tracking pixel
    # Opened directly (not in the iframe) it still gets an opaque origin: no cookies, no storage.
    assert csp.startswith("sandbox allow-scripts;")
    # Only the app may frame it, under each loopback name it is served at.
    assert directives["frame-ancestors"].split(" ") == get_settings().app_origins
    assert "unsafe" not in csp
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"

    first = _get(api, f"/preview/{project.public_id}/1/", token)
    assert first.status_code == 200 and "First from the bundle" in first.text


def test_other_users_anonymous_and_unknown_get_the_same_404(db, api):
    owner = make_user(db, "owner@example.com")
    other = make_user(db, "other@example.com")
    project = _project(db, owner)
    _project(db, other, name="Other's shop")
    owner_token, other_token = _signed_in(db, owner), _signed_in(db, other)
    path = f"/preview/{project.public_id}/1/"

    denied = [
        _get(api, path, other_token),  # someone else's project: no IDOR
        _get(api, path, None),
        _get(api, path, "not-a-session-token"),
        _get(api, f"/preview/{project.public_id}/3/", owner_token),
        _get(api, f"/preview/{project.public_id}/0/", owner_token),
        _get(api, "/preview/no-such-project/1/", owner_token),
        # A link token for version 1 does not open version 2, nor another user's forged id.
        api.get(f"/preview/{project.public_id}/2/", params={"t": _token(project, 1, owner_token)}),
        _get(api, path, _token(project, 1, owner_token).replace(f"{owner_token}.", "999.", 1)),
    ]
    assert [r.status_code for r in denied] == [404] * len(denied)
    assert len({r.text for r in denied}) == 1
    assert "Hello" not in denied[0].text

    # An expired link is a 404 too.
    assert _get(api, path, owner_token, now=time.time() - 13 * 3600).status_code == 404


def _token(project, number: int, user_id: int) -> str:
    return sign_preview(public_id=project.public_id, number=number, user_id=user_id)


def test_chromium_runs_the_bundle_and_the_csp_blocks_network(db, api):
    """The hashes really match what the browser sees: script and style run, fetch is refused."""
    from playwright.sync_api import sync_playwright

    owner = make_user(db, "owner@example.com")
    project = _project(db, owner)
    response = _get(api, f"/preview/{project.public_id}/2/", _signed_in(db, owner))
    assert response.status_code == 200
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}

    def check_in_chromium() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                violations: list[str] = []
                page.on("console", lambda msg: violations.append(msg.text))
                page.route(
                    "http://preview.test/**",
                    lambda route: route.fulfill(status=200, headers=headers, body=response.text),
                )
                page.goto("http://preview.test/p/")
                page.wait_for_function("document.body.dataset.fetch !== undefined", timeout=10_000)
                assert page.text_content("#root").startswith("Second from the bundle </script>")
                color = page.eval_on_selector("#root", "el => getComputedStyle(el).color")
                assert color == "rgb(1, 2, 3)"
                assert page.evaluate("document.body.dataset.fetch") == "blocked"
                assert any("Content Security Policy" in text for text in violations)
            finally:
                browser.close()

    # Playwright's sync API refuses to start in a thread whose event loop is running (the e2e
    # tests' session browser keeps one in the main thread), so the check gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(check_in_chromium).result()


def test_reporter_tells_the_app_page_ready_or_error_from_the_sandboxed_frame(db, api):
    """The reporter runs under the page's CSP and posts only to the app's origin."""
    owner = make_user(db, "owner@example.com")
    project = _project(db, owner)
    create_version(
        session=db,
        project_id=project.id,
        files={"src/App.jsx": "export default function App() { return null; }\n"},
        bundle_js='throw new TypeError("items is undefined");',
        css=CSS,
        message="Broken",
        provider="scripted",
        model="scripted-demo",
    )
    db.commit()
    token = _signed_in(db, owner)

    def fetch(number: int):
        response = _get(api, f"/preview/{project.public_id}/{number}/", token)
        assert response.status_code == 200
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return response.text, headers

    good = reporting_frame_messages(*fetch(2))
    assert [m["data"]["kind"] for m in good] == ["ready"]
    # A sandboxed frame without allow-same-origin has an opaque origin.
    assert good[0]["origin"] == "null" and good[0]["fromFrame"] is True
    assert good[0]["data"]["path"] == "/p/"  # tells the app which version it is

    broken = reporting_frame_messages(*fetch(3))
    assert [m["data"]["kind"] for m in broken] == ["error"]
    assert broken[0]["data"]["message"] == "TypeError: items is undefined"
