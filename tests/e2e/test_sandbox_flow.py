"""A visitor opens a seeded listing, runs it in the sandbox and reads its output."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, wait_for_app


def test_visitor_runs_a_listing_and_sees_output(page, live_app):
    page.goto(live_app.frontend_url + "/listing/cron-explainer")
    wait_for_app(page)
    expect(page.locator("#listing-title")).to_have_text("Cron Explainer")
    page.fill("#run-args", "'0 9 * * 1'")
    page.click("#run-sandbox")
    stdout = page.locator("#run-stdout")
    expect(stdout).to_contain_text("at minute 0, during hour 9, on Monday", timeout=60_000)
    expect(stdout).to_contain_text("next: Mon")
    expect(page.locator("#run-status")).to_contain_text("exit 0")
    # The seed published this version, so its own tests ran in the sandbox too.
    expect(page.locator("#verified-badge")).to_contain_text("4 tests pass", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "listing-sandbox-run.png"), full_page=True)
