"""Issue 18, web listings, at desktop and phone widths: the automatic screenshot cover on the
card and the listing page, the "Live demo" tab running the page from the preview origin, and
the seller's switch that takes it away (tab gone, route 404)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.conftest import wait_for
from tests.e2e.conftest import VIEWPORTS, shot, sign_in, wait_for_app

expect.set_options(timeout=30_000)
PASSWORD = "amber-lighthouse-2026"
SITE = {
    "index.html": (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Tide tables</title><link rel="stylesheet" href="css/site.css"></head>'
        '<body><h1 id="headline">Loading…</h1><ul id="tides"></ul>'
        '<script src="js/tides.js"></script></body></html>'
    ),
    "css/site.css": (
        "body { margin: 0; padding: 32px; background: rgb(12, 74, 110); color: white;"
        " font-family: sans-serif; } h1 { font-size: 48px; }"
    ),
    "js/tides.js": (
        'document.getElementById("headline").textContent = "Tide tables for Brighton";\n'
        'for (const t of ["High 06:12", "Low 12:40", "High 18:31"]) {\n'
        '  const li = document.createElement("li"); li.textContent = t;\n'
        '  document.getElementById("tides").append(li);\n}\n'
    ),
    "server.py": "print('not part of the page')\n",
}


def _shot(page, name: str) -> None:
    shot(page, f"demo-{name}")


def _web_listing(live_app, width: str) -> dict:
    """A seller with a published web listing, made the way the app makes them (its publish
    queues the cover task on the app's own broker)."""
    suffix = uuid.uuid4().hex[:8]
    out = live_app.run_python(
        f"""
import io, json, zipfile
from sqlmodel import Session
from tests.integration.test_catalog import LISTING
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.infra.db import get_engine
from vibecoder.models.users import Role

buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    for name, body in {SITE!r}.items():
        archive.writestr(name, body)
with Session(get_engine()) as session:
    seller = auth.register(
        session=session, email="tides-{suffix}@example.com", password={PASSWORD!r},
        username="tides{suffix}", role=Role.seller,
    )
    listing = catalog.create_listing(session=session, seller=seller, data={{
        **LISTING, "title": "Tide tables {width} {suffix}", "category": "Storefront templates",
    }})
    added = listing_files.add_uploaded_version(
        session=session, seller=seller, listing_id=listing.id, version="1.0.0", changelog="",
        uploads=[("site.zip", io.BytesIO(buffer.getvalue()))],
    )
    listing_files.publish_scanned_version(
        session=session, seller=seller, version_id=added.version_id
    )
    session.commit()
    print(json.dumps({{"id": listing.id, "slug": listing.slug, "email": seller.email,
                      "username": seller.username}}))
"""
    )
    return json.loads(out.strip().splitlines()[-1])


def _cover(live_app, listing_id: int) -> tuple[str, str, str]:
    with live_app.engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT cover_kind, coalesce(cover_image_sha, ''), "
                    "coalesce(cover_card_sha, '') FROM listings WHERE id = :id"
                ),
                {"id": listing_id},
            ).one()
        )


# The first test of a session also waits for the app to start and the seeded covers to render.
@pytest.mark.timeout(900)
def test_web_listing_has_a_screenshot_cover_and_a_live_demo_the_seller_can_switch_off(
    sized_page, live_app
):
    page = sized_page
    listing = _web_listing(live_app, page.width_name)
    kind, page_sha, card_sha = wait_for(
        lambda: (found := _cover(live_app, listing["id"]))[0] == "screenshot" and found,
        timeout=240,
        interval=1,
        message="the web listing got no screenshot cover",
    )
    # The seeded web listings got theirs the same way (at seed time, in the worker).
    wait_for(
        lambda: _cover(live_app, _seeded_id(live_app, "coffee-shop-landing"))[0] == "screenshot",
        timeout=240,
        interval=1,
        message="the seeded coffee shop landing page kept its title card",
    )

    # The card: the creator's page lists it with the lazy card-size cover.
    page.goto(f"{live_app.frontend_url}/u/{listing['username']}")
    wait_for_app(page)
    card_img = page.locator(".listing-card img.listing-cover").first
    expect(card_img).to_have_attribute("loading", "lazy")
    srcset = card_img.get_attribute("srcset")
    assert f"/api/covers/{card_sha} 640w" in srcset and f"/api/covers/{page_sha} 1200w" in srcset
    assert card_img.get_attribute("sizes")
    card_img.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=card_img.element_handle()
    )
    _shot(page, "card")

    # The listing page: the cover, then the live demo from the preview origin.
    page.locator(".listing-card").first.click()
    page.wait_for_url(f"**/listing/{listing['slug']}")
    wait_for_app(page)
    cover = page.locator("#listing-cover")
    expect(cover).to_be_visible()
    assert page_sha in cover.get_attribute("src")
    assert (
        cover.evaluate("img => img.getBoundingClientRect().width")
        <= VIEWPORTS[page.width_name]["width"]
    )
    page.click("#tab-demo")
    frame_el = page.locator("iframe#live-demo")
    expect(frame_el).to_be_visible()
    assert frame_el.get_attribute("sandbox") == "allow-scripts"
    assert frame_el.get_attribute("loading") == "lazy"
    src = frame_el.get_attribute("src")
    demo_url = f"{live_app.backend_url}/preview/demo/{listing['slug']}/index.html"
    assert src == demo_url, src  # the preview origin (development: the backend on 127.0.0.1)
    frame = page.frame_locator("iframe#live-demo")
    expect(frame.locator("#headline")).to_have_text("Tide tables for Brighton")
    expect(frame.locator("#tides li")).to_have_count(3)
    box = frame_el.bounding_box()
    assert box and box["width"] <= VIEWPORTS[page.width_name]["width"]
    frame_el.scroll_into_view_if_needed()
    _shot(page, "live-demo")
    # Not part of the page: never served.
    server_py = f"{live_app.backend_url}/preview/demo/{listing['slug']}/server.py"
    assert httpx.get(server_py).status_code == 404

    # The seller turns the demo off: the tab is gone and the route answers 404.
    sign_in(page, live_app, listing["email"], PASSWORD, "/sell")
    page.goto(f"{live_app.frontend_url}/sell/{listing['id']}")
    wait_for_app(page)
    switch = page.get_by_role("switch", name="Offer a live demo")
    expect(switch).to_be_checked()
    switch.click()
    expect(switch).not_to_be_checked()
    page.click("#save-listing")
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    _shot(page, "editor-demo-off")
    assert httpx.get(demo_url).status_code == 404
    page.goto(f"{live_app.frontend_url}/listing/{listing['slug']}")
    wait_for_app(page)
    expect(page.locator("#listing-title")).to_be_visible()
    expect(page.locator("#tab-demo")).to_have_count(0)
    _shot(page, "listing-demo-off")


def _seeded_id(live_app, slug: str) -> int:
    with live_app.engine.connect() as conn:
        return conn.execute(
            text("SELECT id FROM listings WHERE slug = :s"), {"s": slug}
        ).scalar_one()
