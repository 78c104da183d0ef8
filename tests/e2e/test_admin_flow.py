"""Moderation end to end: a buyer reports a listing, an admin takes it down from the queue,
it leaves /browse, the audit log shows why, and a restore brings it back.

A non-admin opening /admin sees the refusal decided on the server, and no admin data.
"""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.conftest import ARTIFACTS, sign_in, wait_for_app
from vibecoder.domain.accounts import auth
from vibecoder.models.users import Role

PASSWORD = "copper-meadow-2026"
SLUG = "faq-bot"  # a seeded listing in the Bots category that no other e2e test uses
TITLE = "FAQ Answer Bot"
BOTS = "/browse?category=Bots"
REASON = "Ships a keylogger in its setup script."


def _sign_in(page, live_app, email: str, next_path: str) -> None:
    sign_in(page, live_app, email, PASSWORD, next_path)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(30_000)
    return context.new_page()


def _confirm_with_reason(page, reason: str) -> None:
    page.fill("#admin-reason", reason)
    page.click("#admin-confirm")


def test_report_takedown_audit_and_restore(browser, page, live_app):
    tag = uuid.uuid4().hex[:8]
    buyer_email, admin_email = f"buyer-{tag}@example.com", f"admin-{tag}@example.com"
    buyer_name = f"reporter-{tag}"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=buyer_email, username=buyer_name, password=PASSWORD)
        auth.register(
            session=session,
            email=admin_email,
            username=f"mod-{tag}",
            password=PASSWORD,
            role=Role.admin,
        )
        session.commit()

    # --- a buyer cannot open the admin area, and has no Admin link --------------------------
    _sign_in(page, live_app, buyer_email, "/admin")
    expect(page.locator("#admin-refused")).to_contain_text("administrators only")
    expect(page.locator("#admin-metrics")).to_have_count(0)
    expect(page.locator("#nav-admin")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "admin-refused.png"), full_page=True)

    # --- the buyer reports the listing; a second report is refused with a clear message ------
    page.goto(f"{live_app.frontend_url}/listing/{SLUG}")
    wait_for_app(page)
    expect(page.locator("#listing-title")).to_have_text(TITLE)
    page.click("#report-listing")
    page.locator("#report-category").click()
    page.get_by_role("option", name="Malware or dangerous code").click()
    page.fill("#report-details", "The setup script posts ~/.ssh to a remote server.")
    page.screenshot(path=str(ARTIFACTS / "report-dialog.png"))
    page.click("#report-submit")
    expect(page.locator("#report-confirmation")).to_contain_text("your report was sent")
    page.reload()
    wait_for_app(page)
    page.click("#report-listing")
    page.locator("#report-category").click()
    page.get_by_role("option", name="Spam or scam").click()
    page.click("#report-submit")
    expect(page.locator("#report-error")).to_contain_text("already reported this listing")
    page.keyboard.press("Escape")
    page.goto(live_app.frontend_url + BOTS)
    wait_for_app(page)
    expect(page.locator(".listing-card").filter(has_text=TITLE)).to_have_count(1)

    # --- the admin sees it in the queue and takes the listing down with a reason -------------
    admin = _new_page(browser)
    _sign_in(admin, live_app, admin_email, "/admin")
    expect(admin.locator("#nav-admin")).to_be_visible()
    row = admin.locator("#reports-table tr").filter(has_text=buyer_name)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Malware or dangerous code")
    admin.screenshot(path=str(ARTIFACTS / "admin-reports.png"), full_page=True)
    row.locator(".admin-take_down").click()
    expect(admin.get_by_role("dialog")).to_contain_text("Take down listing")
    _confirm_with_reason(admin, "no")
    expect(admin.locator("#admin-dialog-error")).to_contain_text("Give a reason")
    _confirm_with_reason(admin, REASON)
    expect(admin.locator("#admin-message")).to_contain_text("Listing taken down")
    expect(admin.locator("#reports-table tr").filter(has_text=buyer_name)).to_have_count(0)

    # --- it is gone from /browse, and its page says it was removed ---------------------------
    page.goto(live_app.frontend_url + BOTS)
    wait_for_app(page)
    expect(page.locator(".listing-card").first).to_be_visible()
    expect(page.locator(".listing-card").filter(has_text=TITLE)).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "browse-after-takedown.png"), full_page=True)
    page.goto(f"{live_app.frontend_url}/listing/{SLUG}")
    wait_for_app(page)
    expect(page.locator("#listing-removed")).to_contain_text("has been removed")

    # --- the audit log shows who did what and why ---------------------------------------------
    admin.click("#admin-tab-audit")
    entry = admin.locator("#audit-table tr").filter(has_text="listing_taken_down").first
    expect(entry).to_contain_text(REASON)
    expect(entry).to_contain_text(f"mod-{tag}")
    admin.screenshot(path=str(ARTIFACTS / "admin-audit-log.png"), full_page=True)

    # --- a restore brings it back ---------------------------------------------------------------
    admin.click("#admin-tab-listings")
    admin.fill("#listings-q", "faq answer")
    admin.keyboard.press("Enter")
    listing_row = admin.locator("#admin-listings-table tr").filter(has_text=TITLE)
    expect(listing_row).to_contain_text(REASON)
    listing_row.locator(".admin-restore_listing").click()
    _confirm_with_reason(admin, "Setup script verified clean after the seller's fix.")
    expect(admin.locator("#admin-message")).to_contain_text("Listing restored")
    page.goto(live_app.frontend_url + BOTS)
    wait_for_app(page)
    expect(page.locator(".listing-card").filter(has_text=TITLE)).to_have_count(1)

    # --- suspending the buyer ends their session and blocks sign-in; restoring undoes it ---
    admin.click("#admin-tab-users")
    admin.fill("#users-q", buyer_email)
    admin.keyboard.press("Enter")
    user_row = admin.locator("#admin-users-table tr").filter(has_text=buyer_name)
    expect(user_row).to_have_count(1)
    user_row.locator(".admin-suspend").click()
    _confirm_with_reason(admin, "Mass false reports.")
    expect(admin.locator("#admin-message")).to_contain_text("User suspended")
    expect(user_row).to_contain_text("Mass false reports.")
    admin.screenshot(path=str(ARTIFACTS / "admin-users.png"), full_page=True)
    # The buyer's open session is over: the library asks them to sign in again.
    page.goto(live_app.frontend_url + "/library")
    wait_for_app(page)
    expect(page.get_by_text("to see your purchases")).to_be_visible()
    expect(page.locator("#account-menu")).to_have_count(0)
    page.goto(live_app.frontend_url + "/signin?next=/library")
    wait_for_app(page)
    page.fill("#email", buyer_email)
    page.fill("#password", PASSWORD)
    page.click("#signin-submit")
    expect(page.get_by_role("alert")).to_contain_text("This account is suspended.")
    user_row.locator(".admin-restore_user").click()
    _confirm_with_reason(admin, "Reports were made in good faith.")
    expect(admin.locator("#admin-message")).to_contain_text("User restored")
    # The refused sign-in came back as a new page: the email is kept, the password never is.
    expect(page.locator("#email")).to_have_value(buyer_email)
    expect(page.locator("#password")).to_have_value("")
    page.fill("#password", PASSWORD)
    page.click("#signin-submit")
    page.wait_for_url(live_app.frontend_url + "/library")

    _fits_a_phone(admin, "admin")
    admin.context.close()


def _fits_a_phone(page, name: str) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    wait_for_app(page)
    expect(page.locator("#admin-metrics")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"{name}-mobile.png"), full_page=True)
    assert width <= 375, f"{name} scrolls sideways on a phone ({width}px)"
    # The Admin link left the narrow navbar for the phone menu.
    expect(page.locator("#nav-admin")).to_be_hidden()
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(page.locator("#menu-admin")).to_be_visible()
    page.keyboard.press("Escape")
