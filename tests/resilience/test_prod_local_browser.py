"""`make prod-local` in a browser: sign up, buy with the test gateway, download, build a page.

Everything goes through nginx on 127.0.0.1 while the configured public URL says `localhost`:
the checkout must return to the host the buyer used (else they would look signed out there),
and the builder's preview comes from the preview port (its own origin).
"""

from __future__ import annotations

import re
import uuid
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

PASSWORD = "saffron-lantern-2026"
SLUG = "csv-dedupe"  # a seeded one-time listing at $9.00
PROMPT = "A full landing page for a coffee roaster called Ember with products and a footer"


def test_sign_up_buy_download_and_build(prod_local, prod_page, tmp_path):
    page = prod_page
    base = prod_local.url
    assert base.startswith("http://127.0.0.1:")
    email = f"prod-{uuid.uuid4().hex[:8]}@example.com"

    # --- sign up through the form ---------------------------------------------------------
    page.goto(f"{base}/signup")
    wait_for_app(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.click("#signup-submit")
    page.wait_for_url(f"{base}/account")
    expect(page.locator("#account-email")).to_contain_text(email)

    # --- buy with the test gateway (explicitly allowed for this local run) ----------------
    page.goto(f"{base}/listing/{SLUG}")
    wait_for_app(page)
    expect(page.locator("#test-payments-note")).to_contain_text("4242 4242 4242 4242")
    page.locator("#buy-button").click()
    page.wait_for_url(re.compile(r".*/api/checkout/dummy/cs_dummy_\w+$"))
    assert page.url.startswith(base), page.url  # served through nginx, same origin
    page.fill("#card-number", "4242 4242 4242 4242")
    page.click("#pay-button")
    # Back on the host the buyer used, not the configured `localhost`, and still signed in.
    page.wait_for_url(re.compile(r"^" + re.escape(base) + r"/library\?purchase=\d+$"))
    purchase_id = int(page.url.rsplit("=", 1)[1])
    wait_for_app(page)
    entry = page.locator(f"#purchase-{purchase_id}")
    expect(entry.locator(".purchase-status")).to_have_text("Paid", timeout=60_000)

    # --- download the zip through nginx ---------------------------------------------------
    with page.expect_download() as download_info:
        entry.locator(".download-version").first.click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert any(name.endswith("/dedupe.py") for name in archive.namelist())

    # --- build a page with the offline model ----------------------------------------------
    page.goto(f"{base}/build")
    wait_for_app(page)
    page.fill("input[name=name]", "Ember")
    page.fill("textarea[name=prompt]", PROMPT)
    page.get_by_role("button", name="Start building").click()
    page.wait_for_url(f"{base}/build/**", timeout=30_000)
    wait_for_app(page)
    plan = page.get_by_test_id("plan-card")
    expect(plan).to_be_visible(timeout=90_000)
    plan.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("done", timeout=240_000)
    frame = page.get_by_test_id("preview-frame")
    # The preview comes from its own origin: the preview port, on the host the user used.
    expect(frame).to_have_attribute("src", re.compile(r"^" + re.escape(prod_local.preview_url)))
    hero = page.frame_locator("[data-testid=preview-frame]").locator("h1")
    expect(hero).to_contain_text("Ember", timeout=60_000)
