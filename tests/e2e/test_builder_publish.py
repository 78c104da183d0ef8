"""The builder's preview, code and publishing in the browser, with the offline scripted model.

Build a page and watch it grow in the sandboxed preview step by step; switch the viewport;
download the zip; restore an older version; a version that fails in the browser's shadow load
is never swapped in; a runtime error of the visible preview offers "Fix with AI"; "Sell this"
tells a buyer what to do, then opens the draft listing whose provenance shows the prompts.
"""

from __future__ import annotations

import re
import zipfile

from playwright.sync_api import expect
from sqlalchemy import func
from sqlmodel import Session, select

from tests.e2e.conftest import ARTIFACTS, sign_up_buyer, wait_for_app
from vibecoder.infra.storage import LocalBlobStore, put_bytes
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.models.users import User

PASSWORD = "amber-lighthouse-2026"
PROMPT = "A full landing page for a coffee roaster called Ember with products and a footer"
# Comes up fine (so the shadow load passes), then breaks when the visitor clicks.
THROWS_ON_CLICK = """(() => {
  const root = document.getElementById("root");
  root.innerHTML = '<main><h2>Checkout demo</h2><button id="pay">Pay now</button></main>';
  document.getElementById("pay").addEventListener("click", () => {
    const cart = undefined;
    return cart.total;
  });
})();"""
BROKEN_ON_LOAD = 'throw new Error("ProductGrid crashed while loading");'
# Renders, but silences the reporter (window.parent is replaceable): it never says "ready".
SILENT = """window.parent = { postMessage() {} };
document.getElementById("root").textContent = "Silent page";"""

RECORD_SHOWN = """() => {
  window.__shown = [];
  window.__tested = {};
  setInterval(() => {
    const frame = document.querySelector('[data-testid=preview-frame]');
    const shadow = document.querySelector('[data-testid=shadow-frame]');
    const status = document.querySelector('[data-testid=run-status]');
    const version = frame && frame.getAttribute('data-version');
    const last = window.__shown[window.__shown.length - 1];
    if (version && (!last || last.version !== version)) {
      window.__shown.push({version, run: status ? status.textContent : '', at: Date.now()});
    }
    const testing = shadow && shadow.getAttribute('data-version');
    if (testing && !(testing in window.__tested)) window.__tested[testing] = Date.now();
  }, 20);
}"""


def _add_version(live_app, public_id: str, *, bundle: str, message: str) -> int:
    """A version as another tab or an older build might have left it (not the current one)."""
    store = LocalBlobStore(live_app.data_dir / "blobs")
    with Session(live_app.engine) as session:
        project = session.exec(
            select(BuilderProject).where(BuilderProject.public_id == public_id)
        ).one()
        current = session.get(BuilderVersion, project.current_version_id)
        number = (
            session.exec(
                select(func.max(BuilderVersion.number)).where(
                    BuilderVersion.project_id == project.id
                )
            ).one()
            + 1
        )
        session.add(
            BuilderVersion(
                project_id=project.id,
                number=number,
                message=message,
                files=dict(current.files),
                bundle_sha=put_bytes(store, bundle.encode()).sha256,
                css_sha=current.css_sha,
                provider="scripted",
                model="scripted-demo",
            )
        )
        session.commit()
    return number


def _print_latencies(live_app, public_id: str, shown: list[dict], tested: dict) -> None:
    """Version stored → shadow load started → on screen, in ms (reported, not asserted)."""
    with Session(live_app.engine) as session:
        created = dict(
            session.exec(
                select(BuilderVersion.number, BuilderVersion.created_at)
                .join(BuilderProject, BuilderProject.id == BuilderVersion.project_id)
                .where(BuilderProject.public_id == public_id)
            ).all()
        )
    for entry in shown:
        number = int(entry["version"])
        stored = created[number].timestamp() * 1000
        test_started = tested.get(entry["version"], stored)
        print(
            f"preview v{number}: stored→shadow {test_started - stored:.0f} ms, "
            f"shadow→shown {entry['at'] - test_started:.0f} ms, "
            f"stored→shown {entry['at'] - stored:.0f} ms ({entry['run'].strip()})"
        )


def _history_row(page, number: int):
    page.get_by_role("tab", name="History").click()
    label = page.get_by_text(re.compile(rf"^v{number} · ")).first
    expect(label).to_be_visible()
    return page.locator(".rx-Stack", has=label).filter(has=page.get_by_role("button", name="Open"))


def _shown(page, number: int) -> None:
    expect(page.get_by_test_id("shown")).to_have_text(f"Version {number}", timeout=30_000)


def test_preview_code_history_and_sell_this(page, live_app):
    email = sign_up_buyer(page, live_app, "maker", PASSWORD, "/build")  # a buyer for now

    page.fill("input[name=name]", "Ember")
    page.fill("textarea[name=prompt]", PROMPT)
    page.get_by_role("button", name="Start building").click()
    page.wait_for_url(f"{live_app.frontend_url}/build/**", timeout=30_000)
    wait_for_app(page)
    public_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_test_id("sell-this")).to_be_disabled()  # nothing to sell yet

    # --- incremental preview: each validated step shows while the rest still builds -----------
    plan = page.get_by_test_id("plan-card")
    expect(plan).to_be_visible(timeout=60_000)
    page.evaluate(RECORD_SHOWN)
    plan.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("done", timeout=180_000)
    _shown(page, 4)
    frame = page.frame_locator("[data-testid=preview-frame]")
    expect(frame.locator("h1")).to_contain_text("Ember", timeout=30_000)
    shown = page.evaluate("window.__shown")
    assert shown[-1]["version"] == "4", shown
    partial = [s for s in shown if s["version"] in ("1", "2", "3")]
    assert partial, f"no partial page was shown while building: {shown}"
    assert any("running" in s["run"] for s in partial), shown
    _print_latencies(live_app, public_id, shown, page.evaluate("window.__tested"))
    visible = page.get_by_test_id("preview-frame")
    expect(visible).to_have_attribute("sandbox", "allow-scripts")
    expect(page.get_by_test_id("shadow-frame")).to_have_count(0)  # decided, so gone
    page.screenshot(path=str(ARTIFACTS / "builder-publish-preview.png"))

    # --- viewport switch -------------------------------------------------------------------------
    desktop = visible.bounding_box()["width"]
    assert desktop > 700
    page.get_by_role("radio", name="Mobile").click()
    expect(visible).to_have_css("width", "375px")
    assert abs(visible.bounding_box()["width"] - 375) <= 2
    page.screenshot(path=str(ARTIFACTS / "builder-publish-mobile.png"))
    page.get_by_role("radio", name="Tablet").click()
    expect(visible).to_have_css("width", "768px")
    page.get_by_role("radio", name="Desktop").click()
    expect(visible).not_to_have_css("width", "768px")
    assert abs(visible.bounding_box()["width"] - desktop) <= 2

    # --- code tab: tree, highlighted file, zip download ------------------------------------------
    page.get_by_role("tab", name="Code").click()
    expect(page.get_by_text("Files of version 4")).to_be_visible()
    page.get_by_role("button", name="Open src/components/Hero.jsx").click()
    expect(page.get_by_test_id("builder-code")).to_contain_text("worth talking about")
    page.screenshot(path=str(ARTIFACTS / "builder-publish-code.png"))
    # The zip opens in a new tab (Chromium reports the download on this page and closes it).
    with page.expect_download() as download_info:
        page.get_by_test_id("download-zip").click()
    download = download_info.value
    assert download.suggested_filename == "ember-v4.zip"
    archive = zipfile.ZipFile(download.path())
    names = set(archive.namelist())
    assert {"ember-v4/src/components/Hero.jsx", "ember-v4/app.js", "ember-v4/index.html"} <= names
    assert b"worth talking about" in archive.read("ember-v4/src/components/Hero.jsx")
    page.wait_for_timeout(1000)
    expect(page.get_by_role("tab", name="Code")).to_have_attribute("aria-selected", "true")

    # --- restore an older version: the preview changes -------------------------------------------
    broken = _add_version(live_app, public_id, bundle=BROKEN_ON_LOAD, message="Broken on load")
    silent = _add_version(live_app, public_id, bundle=SILENT, message="Never reports")
    clicky = _add_version(
        live_app, public_id, bundle=THROWS_ON_CLICK, message="Checkout demo (throws on click)"
    )
    _history_row(page, 1).last.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Restored version 1.")).to_be_visible()
    page.get_by_role("tab", name="Preview").click()
    _shown(page, clicky + 1)
    expect(frame.locator("nav")).to_be_visible()
    expect(frame.locator("h1")).to_have_count(0)  # version 1 had only the navbar
    page.screenshot(path=str(ARTIFACTS / "builder-publish-restored.png"))

    # --- a runtime error of the visible preview, with "Fix with AI" ------------------------------
    _history_row(page, clicky).last.get_by_role("button", name="Open").click()
    _shown(page, clicky)
    expect(page.get_by_test_id("runtime-error")).to_have_count(0)
    frame.get_by_role("button", name="Pay now").click()
    runtime = page.get_by_test_id("runtime-error")
    expect(runtime).to_contain_text("Cannot read properties of undefined (reading 'total')")
    expect(runtime.get_by_role("button", name="Fix with AI")).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "builder-publish-runtime-error.png"), full_page=True)

    # --- a version that fails the browser's shadow load never replaces the visible one ----------
    _history_row(page, broken).last.get_by_role("button", name="Open").click()
    shadow_error = page.get_by_test_id("shadow-error")
    expect(shadow_error).to_contain_text(f"Version {broken} did not load")
    expect(shadow_error).to_contain_text(f"version {clicky} stays on screen")
    expect(shadow_error).to_contain_text("ProductGrid crashed while loading")
    _shown(page, clicky)
    expect(frame.get_by_role("button", name="Pay now")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "builder-publish-shadow-error.png"), full_page=True)

    # A page that never answers is given up on after a while, like one that failed.
    _history_row(page, silent).last.get_by_role("button", name="Open").click()
    expect(shadow_error).to_contain_text(f"Version {silent} did not load", timeout=30_000)
    expect(shadow_error).to_contain_text("did not report that it loaded within 10 seconds")
    _shown(page, clicky)

    runtime.get_by_role("button", name="Fix with AI").click()
    expect(page.get_by_test_id("runtime-error")).to_have_count(0)
    expect(page.get_by_text("shows this runtime error").first).to_be_visible(timeout=30_000)
    # A fix changes existing components only: it runs at once, no plan to approve.
    expect(page.get_by_test_id("run-status")).to_contain_text("done", timeout=180_000)
    expect(page.get_by_test_id("plan-card")).to_have_count(0)

    # --- "Sell this": a buyer is told what to do, then gets the draft listing -------------------
    page.get_by_test_id("sell-this").click()
    sell_error = page.get_by_test_id("sell-error")
    expect(sell_error).to_contain_text("Become a seller")
    page.screenshot(path=str(ARTIFACTS / "builder-publish-become-seller.png"))
    sell_error.get_by_role("button", name="Become a seller and list this").click()
    page.wait_for_url(re.compile(r".*/sell/\d+$"), timeout=30_000)
    editor_url = page.url
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Ember", exact=True)).to_be_visible()
    expect(page.get_by_text("draft", exact=True).first).to_be_visible()
    expect(page.get_by_role("cell", name="1.0.0", exact=True)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "builder-publish-editor.png"))
    with Session(live_app.engine) as session:
        assert session.exec(select(User.role).where(User.email == email)).one() == "seller"

    page.get_by_role("link", name="View listing").click()
    wait_for_app(page)
    page.get_by_role("tab", name="AI provenance").click()
    provenance = page.locator("#provenance")
    expect(provenance).to_contain_text(PROMPT)
    expect(provenance).to_contain_text("shows this runtime error")
    expect(provenance).to_contain_text("scripted")
    page.screenshot(path=str(ARTIFACTS / "builder-publish-provenance.png"))

    # A second click opens the same listing instead of making another one.
    page.goto(f"{live_app.frontend_url}/build/{public_id}")
    wait_for_app(page)
    page.get_by_test_id("sell-this").click()
    page.wait_for_url(re.compile(r".*/sell/\d+$"), timeout=30_000)
    assert page.url == editor_url

    # On a phone the builder stacks and nothing makes the page scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_app.frontend_url}/build/{public_id}")
    wait_for_app(page)
    expect(page.get_by_test_id("sell-this")).to_be_visible()
    # A phone shows the chat or the preview, one at a time.
    expect(page.locator("#builder-preview-pane")).to_be_hidden()
    page.get_by_role("radio", name="Preview").click()
    page.get_by_role("radio", name="Tablet").click()
    expect(page.get_by_test_id("preview-frame")).to_have_css("width", "768px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "builder-publish-phone.png"), full_page=True)
