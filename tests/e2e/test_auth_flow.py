"""A visitor signs up, signs out, signs in again and sees their account page."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, wait_for_app


def test_home_page_shows_featured_listings(page, live_app):
    page.goto(live_app.frontend_url + "/")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=re.compile("Shop for, build and sell"))).to_be_visible()
    expect(page.locator("#featured")).to_be_visible()
    # `dev` seeds an empty database, so the home page has real listings to feature.
    expect(page.locator("#featured a[href^='/listing/']").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_pages_fit_a_phone(browser, live_app):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    phone = context.new_page()
    for name, path in (
        ("home", "/"),
        ("browse", "/browse"),
        ("listing", "/listing/exif-date-renamer"),
        ("profile", "/u/maraok"),
        ("signup", "/signup"),
    ):
        phone.goto(live_app.frontend_url + path)
        wait_for_app(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
        phone.screenshot(path=str(ARTIFACTS / f"{name}-mobile.png"), full_page=True)
    context.close()


def test_sign_up_sign_out_sign_in_and_account(page, live_app):
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    password = "violet-harbour-2026"

    page.goto(live_app.frontend_url + "/signup")
    wait_for_app(page)
    page.fill("#email", email)
    page.fill("#password", "short")
    page.fill("#password_confirm", "short")
    page.click("#signup-submit")
    expect(page.get_by_role("alert")).to_contain_text("at least")

    page.fill("#password", password)
    page.fill("#password_confirm", password)
    page.click("#signup-submit")
    page.wait_for_url("**/account")
    expect(page.locator("#account-email")).to_contain_text(email)

    token_before = page.evaluate("window.sessionStorage.getItem('token')")
    page.click("#account-menu")
    page.click("#sign-out")
    page.wait_for_url(live_app.frontend_url + "/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    # Whoever uses this tab next starts from a fresh client token: the page states of this
    # account (admin queues, dashboards) stay behind with the old one, even after a reload.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert page.evaluate("window.sessionStorage.getItem('token')") not in (None, token_before)

    # Signed out means the account page is out of reach.
    page.goto(live_app.frontend_url + "/account")
    page.wait_for_url("**/signin**")

    page.fill("#email", email)
    page.fill("#password", "wrong-password-here")
    page.click("#signin-submit")
    expect(page.get_by_role("alert")).to_contain_text("incorrect")

    page.fill("#password", password)
    page.click("#signin-submit")
    page.wait_for_url("**/account")
    expect(page.locator("#account-email")).to_contain_text(email)
    page.screenshot(path=str(ARTIFACTS / "account.png"), full_page=True)
