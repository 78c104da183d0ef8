"""A visitor opens a seeded listing, runs it in the sandbox and reads its output."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, wait_for_app


def test_visitor_runs_a_listing_and_sees_output(page, live_app):
    page.goto(live_app.frontend_url + "/listing/cron-explainer")
    wait_for_app(page)
    expect(page.locator("#listing-title")).to_have_text("Cron Explainer")
    # The seller's example invocation is filled in; the visitor changes it.
    expect(page.locator("#run-args")).to_have_value("'*/15 9-17 * * 1-5'")
    page.fill("#run-args", "'0 9 * * 1'")
    page.click("#run-sandbox")
    stdout = page.locator("#run-stdout")
    expect(stdout).to_contain_text("at minute 0, during hour 9, on Monday", timeout=60_000)
    expect(stdout).to_contain_text("next: Mon")
    expect(page.locator("#run-status")).to_contain_text("exit 0")
    # The seed published this version, so its own tests ran in the sandbox too.
    expect(page.locator("#verified-badge")).to_contain_text("4 tests pass", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "listing-sandbox-run.png"), full_page=True)
    # "Run tests": the tests behind the badge run again, for this visitor, with their report.
    page.click("#run-tests")
    expect(page.locator("#test-report")).to_have_text("Tests: 4 passed, 0 failed", timeout=60_000)
    expect(page.locator("#run-stdout")).to_contain_text("4 passed")
    expect(page.locator("#verified-badge")).to_contain_text("4 tests pass")
    page.screenshot(path=str(ARTIFACTS / "listing-sandbox-tests.png"), full_page=True)
