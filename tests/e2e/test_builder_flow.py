"""The AI builder in the browser with the offline scripted model: new project, plan, approve,
progress to the last step, the sandboxed preview shows the hero; history opens a version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_up_buyer, wait_for_app

PASSWORD = "amber-lighthouse-2026"
PROMPT = "A full landing page for a coffee roaster called Ember with products and a footer"


# The app's start counts against the test's timeout; this test also makes a second run.
@pytest.mark.timeout(600)
def test_prompt_plan_approve_build_and_preview(page, live_app):
    sign_up_buyer(page, live_app, "builder", PASSWORD, "/build")
    expect(page.get_by_text("No projects yet")).to_be_visible()

    page.fill("input[name=name]", "Ember")
    page.fill("textarea[name=prompt]", PROMPT)
    page.get_by_role("button", name="Start building").click()
    page.wait_for_url(f"{live_app.frontend_url}/build/**", timeout=30_000)
    wait_for_app(page)

    plan = page.get_by_test_id("plan-card")
    expect(plan).to_be_visible(timeout=60_000)
    names = plan.get_by_role("textbox", name="Step name")
    for index, name in enumerate(("Navbar", "Hero", "ProductGrid", "Footer")):
        expect(names.nth(index)).to_have_value(name)
    page.screenshot(path=str(ARTIFACTS / "builder-plan.png"))
    plan.get_by_role("button", name="Approve").click()

    expect(page.get_by_test_id("run-status")).to_contain_text("done", timeout=180_000)
    statuses = page.get_by_test_id("build-step-status")
    expect(statuses).to_have_count(4)
    expect(statuses).to_have_text(["done"] * 4)

    frame = page.get_by_test_id("preview-frame")
    expect(frame).to_have_attribute("sandbox", "allow-scripts")
    hero = page.frame_locator("[data-testid=preview-frame]").locator("h1")
    expect(hero).to_contain_text("Ember", timeout=30_000)
    expect(hero).to_contain_text("worth talking about")
    page.screenshot(path=str(ARTIFACTS / "builder-preview.png"))

    page.get_by_role("tab", name="Code").click()
    page.get_by_role("button", name="src/components/Hero.jsx").click()
    expect(page.get_by_test_id("builder-code")).to_contain_text("worth talking about")
    page.screenshot(path=str(ARTIFACTS / "builder-code.png"))

    page.get_by_role("tab", name="History").click()
    expect(page.get_by_role("button", name="Restore").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "builder-history.png"))

    # A one-component change: no plan to approve, one step (the Hero), the rest untouched.
    page.get_by_role("tab", name="Preview").click()
    page.get_by_label("Message to the builder").fill("make the hero background dark green")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("build-step-name")).to_have_text(["Hero"], timeout=60_000)
    expect(page.get_by_test_id("run-status")).to_contain_text("done", timeout=120_000)
    expect(page.get_by_test_id("plan-card")).to_have_count(0)
    preview = page.frame_locator("[data-testid=preview-frame]")
    expect(preview.locator("section#top")).to_have_class(re.compile(r"bg-zinc-950"), timeout=30_000)
    expect(preview.locator("h1")).to_contain_text("Ember")
    expect(preview.locator("section#shop")).to_be_visible()  # the product grid is still there
    page.screenshot(path=str(ARTIFACTS / "builder-modify.png"))

    page.goto(f"{live_app.frontend_url}/build")
    wait_for_app(page)
    expect(page.get_by_test_id("build-project")).to_contain_text("Ember")
