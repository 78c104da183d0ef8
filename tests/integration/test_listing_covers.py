"""Issue 18: web listings' screenshot covers (real Celery worker, real sandboxed Chromium) and
the live demo served on the preview origin."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import Session, select
from starlette.testclient import TestClient

from tests.conftest import wait_for
from tests.integration.test_catalog import LISTING, make_user, zip_bytes
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.covers import CARD_SIZE, PAGE_SIZE, set_cover
from vibecoder.infra import storage
from vibecoder.infra.db import get_engine
from vibecoder.models.catalog import Listing, ListingVersion

RED, BLUE, GREEN = (220, 40, 40), (30, 60, 220), (20, 160, 60)


def site(background: tuple[int, int, int], *, blank: bool = False) -> dict[str, str]:
    """A small static site: its colour comes from the stylesheet, its headline from the script
    (so a screenshot of it proves both relative assets loaded)."""
    r, g, b = background
    return {
        "index.html": (
            '<!doctype html><html><head><meta charset="utf-8"><title>Demo</title>'
            '<link rel="stylesheet" href="style.css"></head>'
            '<body><h1 id="headline">Loading</h1><script src="app.js"></script></body></html>'
        ),
        "style.css": (
            "html, body { margin: 0; height: 100%; background: #fff; }"
            if blank
            else f"body {{ margin: 0; background: rgb({r}, {g}, {b}); }}"
            " h1 { color: white; font: bold 72px sans-serif; padding: 60px; }"
        ),
        "app.js": (
            'document.getElementById("headline").remove();'
            if blank
            else 'document.getElementById("headline").textContent = "Rendered by app.js";'
        ),
        "app.test.js": "test('secret test', () => {});\n",
        "server.py": "SECRET_SAUCE = 42\n",
    }


def publish(db, seller, listing_id: int, version: str, files: dict[str, str]) -> int:
    added = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing_id,
        version=version,
        changelog="",
        uploads=[("site.zip", zip_bytes(files))],
    )
    listing_files.publish_scanned_version(session=db, seller=seller, version_id=added.version_id)
    db.commit()  # the cover task is queued once this commits
    return added.version_id


def fresh(listing_id: int) -> Listing:
    with Session(get_engine()) as session:
        return session.exec(select(Listing).where(Listing.id == listing_id)).one()


def image(sha: str) -> Image.Image:
    data = storage.read_bytes(storage.get_blob_store(), sha)
    return Image.open(io.BytesIO(data))


def near(pixel, colour, tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_a_web_version_gets_a_screenshot_cover_refreshed_per_version_and_the_seller_wins(
    db, celery_worker
):
    from workers.covers import render_cover

    seller = make_user(db, "web@example.com")
    listing = catalog.create_listing(
        session=db, seller=seller, data={**LISTING, "category": "Storefront templates"}
    )
    db.commit()
    publish(db, seller, listing.id, "1.0.0", site(RED))
    shot = wait_for(
        lambda: (row := fresh(listing.id)).cover_kind == "screenshot" and row,
        timeout=120,
        interval=0.5,
        message="no screenshot cover within 120 s",
    )
    page, card = image(shot.cover_image_sha), image(shot.cover_card_sha)
    assert page.format == "WEBP" and page.size == PAGE_SIZE
    assert card.format == "WEBP" and card.size == CARD_SIZE
    rgb = page.convert("RGB")
    # The stylesheet's colour fills the page, and the script's white headline is on it.
    assert near(rgb.getpixel((1150, 640)), RED)
    assert any(
        near(rgb.getpixel((x, y)), (255, 255, 255), 40)
        for x in range(60, 900, 3)
        for y in range(100, 240, 3)
    )

    # A new version refreshes the cover.
    publish(db, seller, listing.id, "1.1.0", site(BLUE))
    refreshed = wait_for(
        lambda: (row := fresh(listing.id)).cover_image_sha != shot.cover_image_sha and row,
        timeout=120,
        interval=0.5,
        message="the cover did not follow version 1.1.0",
    )
    assert refreshed.cover_kind == "screenshot"
    assert near(image(refreshed.cover_image_sha).convert("RGB").getpixel((1150, 640)), BLUE)

    # A version that renders nothing leaves the previous cover whole.
    blank_id = publish(db, seller, listing.id, "1.2.0", site(RED, blank=True))
    outcome = render_cover.apply_async(args=[blank_id], ignore_result=False).get(timeout=120)
    assert outcome == "render_failed"
    after_blank = fresh(listing.id)
    assert (after_blank.cover_image_sha, after_blank.cover_card_sha) == (
        refreshed.cover_image_sha,
        refreshed.cover_card_sha,
    )

    # The seller's own cover is never replaced by a screenshot.
    own = io.BytesIO()
    Image.new("RGB", (1600, 900), GREEN).save(own, "PNG")
    own.seek(0)
    set_cover(session=db, seller=seller, listing_id=listing.id, stream=own)
    db.commit()
    uploaded = fresh(listing.id)
    assert uploaded.cover_kind == "seller"
    newest = publish(db, seller, listing.id, "1.3.0", site(RED))
    outcome = render_cover.apply_async(args=[newest], ignore_result=False).get(timeout=120)
    assert outcome == "seller_cover_kept"
    kept = fresh(listing.id)
    assert (kept.cover_kind, kept.cover_image_sha) == ("seller", uploaded.cover_image_sha)
    assert near(image(kept.cover_image_sha).convert("RGB").getpixel((600, 300)), GREEN)
    # A task for a version that is no longer the latest changes nothing either.
    old = db.exec(select(ListingVersion.id).where(ListingVersion.version == "1.0.0")).one()
    assert render_cover.apply_async(args=[old], ignore_result=False).get(timeout=60) == (
        "nothing_to_render"
    )


@pytest.fixture
def preview_client(services):
    """The backend as the browser reaches it: behind the security middleware, on the preview
    origin (development: the backend's port under a loopback name)."""
    from vibecoder.api import build_api
    from vibecoder.api.security import SecurityMiddleware
    from vibecoder.settings import get_settings

    port = get_settings().backend_port
    with TestClient(
        SecurityMiddleware(build_api()),
        base_url=f"http://127.0.0.1:{port}",
        raise_server_exceptions=False,
    ) as client:
        yield client


def test_the_live_demo_serves_only_a_published_offered_listing_site(db, preview_client):
    from vibecoder.api import build_api
    from vibecoder.api.security import SecurityMiddleware

    seller = make_user(db, "demo@example.com")
    listing = catalog.create_listing(
        session=db, seller=seller, data={**LISTING, "slug": "shop-demo"}
    )
    db.commit()
    base = "/preview/demo/shop-demo/"
    assert preview_client.get(base + "index.html").status_code == 404  # no version yet
    publish(db, seller, listing.id, "1.0.0", site(RED))

    page = preview_client.get(base + "index.html")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts;")
    assert "connect-src 'none'" in policy
    assert "http://localhost:3000" in policy.split("frame-ancestors", 1)[1]  # the app only
    assert "set-cookie" not in page.headers
    assert preview_client.get(base).text == page.text  # the folder is its index.html
    assert preview_client.get(base + "style.css").headers["content-type"].startswith("text/css")
    assert "Rendered by app.js" in preview_client.get(base + "app.js").text
    # Only the site: no tests, no server code, nothing outside the version's files.
    for path in (
        "app.test.js",
        "server.py",
        "index.html%00",
        "..%5cshop-demo%5cindex.html",
        "missing.html",
        "/etc/passwd",
    ):
        assert preview_client.get(base + path).status_code == 404, path
    # Dot segments never reach the server over HTTP (clients resolve them, encoded or not);
    # a raw request's path is refused all the same.
    from vibecoder.domain.catalog.live_demo import demo_file

    for raw in ("../shop-demo/index.html", "./index.html", "a//index.html", "index.html/"):
        assert demo_file(session=db, slug="shop-demo", path=raw) is None, raw
    assert demo_file(session=db, slug="../shop-demo", path="index.html") is None
    # Never on the app's own origin.
    with TestClient(SecurityMiddleware(build_api()), base_url="http://localhost:3000") as app:
        assert app.get(base + "index.html").status_code == 404

    # The seller's switch, enforced by the server.
    catalog.update_listing(
        session=db, seller=seller, listing_id=listing.id, data={**LISTING, "live_demo": False}
    )
    db.commit()
    assert preview_client.get(base + "index.html").status_code == 404
    # An update that does not know the switch (the API, imports) leaves it off.
    catalog.update_listing(session=db, seller=seller, listing_id=listing.id, data=LISTING)
    db.commit()
    assert fresh(listing.id).live_demo is False
    catalog.update_listing(
        session=db, seller=seller, listing_id=listing.id, data={**LISTING, "live_demo": True}
    )
    db.commit()
    assert preview_client.get(base + "index.html").status_code == 200
    # Archived (or taken down): gone from the preview origin too.
    catalog.archive_listing(session=db, seller=seller, listing_id=listing.id)
    db.commit()
    assert preview_client.get(base + "index.html").status_code == 404


def test_web_entry_is_the_top_level_page_or_the_build_folder():
    from vibecoder.domain.catalog.live_demo import web_entry

    assert web_entry(["src/index.html", "index.html"]) == "index.html"
    assert web_entry(["src/index.html", "dist/index.html", "README.md"]) == "dist/index.html"
    assert web_entry(["main.py", "index.js"]) is None
