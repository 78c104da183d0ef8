"""Issue 20 part B as a visitor meets it, at desktop and phone widths: on a static storefront
template like the seeded ones (index.html with products.js and cart.js), preview a flower-shop
variation with the offline model, see it beside the original (whose own scripts fill its shop),
find no way to download it, buy the listing with the test gateway and download the variation
from the library. The React-source path is covered by tests/integration/test_variations.py."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.conftest import shot, sign_up_buyer, wait_for_app

expect.set_options(timeout=30_000)
PASSWORD = "amber-lighthouse-2026"
FLOWERS = "The same page for a flower shop, pastel colours"
# Made in the app's own environment, so what the listing's publication queues reaches the
# app's workers.
MAKE_LISTING = """
from tests.fakes.commerce import make_user, publish
from tests.storefront import STATIC_LISTING, static_storefront_files
from vibecoder.infra.db import session_scope
from vibecoder.models.users import Role

with session_scope() as db:
    seller = make_user(db, "remix-seller-{tag}@example.com", role=Role.seller)
    listing = publish(
        db, seller, files=static_storefront_files(), **{{**STATIC_LISTING, "title": "{title}"}}
    )
    print(listing.slug)
"""


def _shot(page, name: str) -> None:
    shot(page, f"variation-{name}")


def _variation_id(live_app, email: str) -> str:
    with live_app.engine.connect() as conn:
        return conn.execute(
            text(
                "select v.public_id from listing_variations v join users u on u.id = v.user_id "
                "where u.email = :e order by v.id desc limit 1"
            ),
            {"e": email},
        ).scalar_one()


@pytest.mark.timeout(900)
def test_preview_a_variation_then_buy_it(sized_page, live_app, tmp_path):
    page = sized_page
    tag = uuid.uuid4().hex[:6]
    slug = live_app.run_python(MAKE_LISTING.format(tag=tag, title=f"Fern Storefront {tag}")).strip()
    email = sign_up_buyer(page, live_app, "remix", PASSWORD, f"/listing/{slug}")

    # --- describe the tweak; the builder's steps run with the offline model -----------------
    panel = page.locator("#variation-panel")
    panel.scroll_into_view_if_needed()
    page.fill("#variation-prompt", FLOWERS)
    page.click("#variation-start")
    steps = page.locator("#variation-steps .variation-step")
    # The page's sections (its CSS and scripts are kept as they are).
    expect(steps).to_have_count(3, timeout=120_000)
    expect(page.locator("#variation-status")).to_have_text(
        "Your variation is ready.", timeout=240_000
    )
    expect(steps.filter(has_text="Footer")).to_have_attribute("data-status", "done")
    original = page.locator("iframe[data-variation-role=original]")
    variation = page.locator("iframe[data-variation-role=variation]")
    expect(original).to_be_visible()
    expect(variation).to_be_visible()
    # Both pages come from the preview origin, sandboxed; each shows its own business.
    assert original.get_attribute("sandbox") == "allow-scripts"
    assert "/preview/" in (variation.get_attribute("src") or "")
    expect(
        page.frame_locator("iframe[data-variation-role=variation]").locator("#root")
    ).to_contain_text("flower shop", timeout=60_000)
    original_page = page.frame_locator("iframe[data-variation-role=original]")
    expect(original_page.locator("#root")).to_contain_text("Fern", timeout=60_000)
    # The original's own CSS and scripts work in the preview: styled, and the shop is filled.
    expect(original_page.locator("nav")).to_have_css("display", "flex")
    expect(original_page.locator("#products .card")).to_have_count(3)
    if page.width_name == "phone":
        # Stacked, the variation under the original.
        assert variation.bounding_box()["y"] > original.bounding_box()["y"] + 100
    else:
        # Side by side.
        assert abs(variation.bounding_box()["y"] - original.bounding_box()["y"]) < 5
    variation.scroll_into_view_if_needed()
    _shot(page, "preview")

    # --- nothing to download before the purchase, and the server refuses it too ------------
    expect(page.locator("#variation-locked")).to_contain_text("cannot be downloaded")
    expect(page.locator(".download-variation")).to_have_count(0)
    public_id = _variation_id(live_app, email)
    # The API under the name the browser signed in at (the session cookie's host).
    api = live_app.backend_url.replace("127.0.0.1", "localhost")
    refused = page.request.get(f"{api}/api/variations/{public_id}/zip")
    assert refused.status == 403 and refused.json()["error"] == "purchase_required"

    # --- buy with the test gateway -----------------------------------------------------------
    page.locator("#buy-button").click()
    page.wait_for_url(re.compile(r".*/api/checkout/dummy/cs_dummy_\w+$"))
    page.fill("#card-number", "4242 4242 4242 4242")
    page.click("#pay-button")
    page.wait_for_url(re.compile(r".*/library\?purchase=\d+$"))
    purchase_id = int(page.url.rsplit("=", 1)[1])
    wait_for_app(page)
    entry = page.locator(f"#purchase-{purchase_id}")
    expect(entry.locator(".purchase-status")).to_have_text("Paid", timeout=60_000)

    # --- the variation is in the library beside the original, and downloads -----------------
    row = entry.locator(".library-variation")
    expect(row).to_have_count(1, timeout=30_000)
    expect(row.locator(".variation-prompt")).to_have_text(FLOWERS)
    row.scroll_into_view_if_needed()
    _shot(page, "library")
    with page.expect_download() as download_info:
        row.locator(".download-variation").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip") and "variation" in (
        download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        footer = next(n for n in archive.namelist() if n.endswith("src/components/Footer.jsx"))
        assert b"flower shop" in archive.read(footer)

    # Back on the listing, the panel says it is unlocked.
    page.goto(f"{live_app.frontend_url}/listing/{slug}")
    wait_for_app(page)
    expect(page.locator("#variation-unlocked")).to_be_visible(timeout=60_000)
