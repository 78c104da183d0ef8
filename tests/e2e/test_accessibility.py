"""Every page, at desktop and phone width: no console error, <nav> and <main> landmarks, the
phone menu, and no serious or critical axe-core violation (axe.min.js bundled in the package).
Also records navigation-to-main-content timings (tests/e2e/artifacts/page-timings-*.json)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.e2e.conftest import ARTIFACTS, wait_for_app
from vibecoder.domain.accounts import auth
from vibecoder.models.catalog import Listing
from vibecoder.models.users import Role, User

# The shared build machine can take well over expect's default 5 s to hydrate a page.
expect.set_options(timeout=30_000)
PASSWORD = "amber-lighthouse-2026"
VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
PUBLIC = ["/", "/browse", "/search?q=coffee", "/signin", "/signup", "/forgot", "/reset"]
SIGNED_IN = ["/account", "/library", "/sell", "/sell/payouts", "/build", "/dashboard", "/admin"]
# React dev-mode chatter that is not an error of ours.
BENIGN = ("Download the React DevTools",)


def _pages(live_app) -> list[str]:
    with Session(live_app.engine) as session:
        listing = session.exec(
            select(Listing).where(Listing.status == "published").order_by(Listing.id)
        ).first()
        seller = session.get(User, listing.seller_id)
    return [*PUBLIC, f"/listing/{listing.slug}", f"/u/{seller.username}", *SIGNED_IN]


@pytest.fixture(scope="module")
def admin_login(live_app):
    """(email, builder project path) of an admin who also has a builder project."""
    from vibecoder.builder.service.projects import create_project

    email = f"a11y-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        user = auth.register(session=session, email=email, password=PASSWORD, role=Role.admin)
        project = create_project(
            session=session, owner_id=user.id, name="A11y landing page", provider="scripted"
        )
        session.commit()
        return email, f"/build/{project.public_id}"


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_every_page_is_clean_landmarked_and_accessible(browser, live_app, admin_login, width):
    context = browser.new_context(viewport=VIEWPORTS[width])
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith(BENIGN)
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    axe = Axe()
    timings: dict[str, float] = {}
    problems: dict[str, list[str]] = {}
    try:
        page.goto(f"{live_app.frontend_url}/signin?next=/account")
        wait_for_app(page)
        page.fill("#email", admin_login[0])
        page.fill("#password", PASSWORD)
        page.click("#signin-submit")
        page.wait_for_url(live_app.frontend_url + "/account")
        for path in [*_pages(live_app), admin_login[1]]:
            started = time.perf_counter()
            page.goto(live_app.frontend_url + path)
            # Main content: the landmark with a heading inside, rendered and hydrated.
            expect(page.locator("main h1").first).to_be_visible()
            timings[path] = round((time.perf_counter() - started) * 1000)
            wait_for_app(page)
            assert page.locator("nav").count() >= 1, path
            assert page.locator("main").count() == 1, path
            slug = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            page.screenshot(path=str(ARTIFACTS / f"a11y-{slug}-{width}.png"), full_page=True)
            results = axe.run(page)
            bad = [
                f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] for n in v["nodes"][:3])
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                problems[path] = bad
        if width == "phone":
            # Everything the desktop navbar offers is one "Menu" away.
            page.goto(live_app.frontend_url + "/")
            wait_for_app(page)
            page.get_by_role("button", name="Menu", exact=True).click()
            menu = page.locator("#mobile-menu")
            for label in ("Browse", "Sell", "Library", "Build"):
                expect(menu.get_by_role("link", name=label)).to_be_visible()
            expect(menu.get_by_role("textbox", name="Search listings")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "a11y-menu-phone.png"))
            # The builder on a phone: Chat or Preview, one at a time.
            page.keyboard.press("Escape")
            page.goto(live_app.frontend_url + admin_login[1])
            wait_for_app(page)
            expect(page.locator("#builder-chat-pane")).to_be_visible()
            expect(page.locator("#builder-preview-pane")).to_be_hidden()
            page.get_by_role("radio", name="Preview").click()
            expect(page.locator("#builder-preview-pane")).to_be_visible()
            expect(page.locator("#builder-chat-pane")).to_be_hidden()
            page.screenshot(path=str(ARTIFACTS / "a11y-builder-preview-phone.png"))
    finally:
        (ARTIFACTS / f"page-timings-{width}.json").write_text(json.dumps(timings, indent=2))
        (ARTIFACTS / f"a11y-problems-{width}.json").write_text(
            json.dumps({"axe": problems, "console": errors}, indent=2)
        )
        context.close()
    assert problems == {}, json.dumps(problems, indent=2)
    assert errors == [], "\n".join(errors)
