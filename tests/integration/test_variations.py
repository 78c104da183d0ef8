"""Preview a variation of a web listing before buying it (issue 20, part B), end to end below
the browser: the real Celery worker prepares and runs the builder's MODIFY with the offline
model, the real checkout events unlock it, the beat task deletes what nobody bought.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.conftest import wait_for
from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    pay_as,
    process_all,
    publish,
)
from tests.preview_frame import reporting_frame_messages
from tests.storefront import LISTING, STATIC_LISTING, static_storefront_files, storefront_files
from vibecoder.builder.service import variations
from vibecoder.builder.service.projects import version_files
from vibecoder.domain.analytics.seller import dashboard
from vibecoder.domain.catalog.variations import purge_expired, set_variations_enabled
from vibecoder.domain.commerce import checkout
from vibecoder.domain.commerce.library import library_for
from vibecoder.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.models.users import Role
from vibecoder.models.variations import ListingVariation

FLOWERS = "The same page for a flower shop, pastel colours"


def _storefront(db):
    seller = make_user(db, "seller@example.com", role=Role.seller)
    listing = publish(db, seller, files=storefront_files(), **LISTING)
    return seller, listing


def _static_storefront(db, seller=None):
    seller = seller or make_user(db, "seller@example.com", role=Role.seller)
    return seller, publish(db, seller, files=static_storefront_files(), **STATIC_LISTING)


def _start(db, user, listing, prompt: str = FLOWERS) -> str:
    public_id = variations.start_variation(
        session=db, user=user, listing_id=listing.id, prompt=prompt
    )
    db.commit()
    return public_id


def _view(db, user, public_id: str):
    db.expire_all()
    return variations.variation_view(db, user_id=user.id, public_id=public_id)


def _finished(db, user, public_id: str, timeout: float = 240):
    last = {}

    def done():
        view = _view(db, user, public_id)
        last["view"] = view
        return view if view.status not in ("preparing", "queued", "running") else None

    return wait_for(
        done,
        timeout=timeout,
        interval=0.3,
        message=lambda: f"variation stayed {last['view'].status}: {last['view'].error}",
    )


def _events(db, kind: str) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).select_from(AnalyticsEvent).where(AnalyticsEvent.kind == kind)
    ).one()


def _project_files(db, public_id: str, number: int) -> dict[str, str]:
    db.expire_all()
    variation = db.exec(
        select(ListingVariation).where(ListingVariation.public_id == public_id)
    ).one()
    version = db.exec(
        select(BuilderVersion).where(
            BuilderVersion.project_id == variation.project_id, BuilderVersion.number == number
        )
    ).one()
    return version_files(version)


def test_preview_stays_locked_until_the_purchase_unlocks_it(db, api, celery_worker):
    seller, listing = _storefront(db)
    visitor = make_user(db, "visitor@example.com")
    stranger = make_user(db, "stranger@example.com")
    offer = variations.offer(db, listing_id=listing.id)
    assert (offer.web, offer.enabled) == (True, True)

    public_id = _start(db, visitor, listing)
    view = _finished(db, visitor, public_id)
    assert view.status == "done", view.error
    # Every component went through the builder's steps; the original is version 1.
    assert [s.name for s in view.steps] == ["Navbar", "Hero", "ProductGrid", "Footer"]
    assert all(s.status == "done" for s in view.steps)
    assert "/preview/" in view.original_url and "?t=" in view.original_url
    assert view.variation_url and view.variation_number > 1
    # Both pages answer on the preview origin under its strict sandboxing CSP.
    api.cookies.clear()
    for url, shows in ((view.original_url, b"Ember"), (view.variation_url, b"flower shop")):
        page = api.get("/" + url.split("://", 1)[1].split("/", 1)[1])
        assert page.status_code == 200, page.text
        assert page.headers["content-security-policy"].startswith("sandbox allow-scripts")
        assert shows in page.content
    original = _project_files(db, public_id, 1)
    changed = _project_files(db, public_id, view.variation_number)
    assert "Ember" in original["src/components/Hero.jsx"]
    hero = changed["src/components/Hero.jsx"]
    assert "flower shop" in hero and "pink-" in hero and "Ember" not in hero
    # The visitor never owns the project: the builder's own routes do not know it.
    project = db.exec(
        select(BuilderProject)
        .join(ListingVariation, ListingVariation.project_id == BuilderProject.id)
        .where(ListingVariation.public_id == public_id)
    ).one()
    assert project.owner_id not in (visitor.id, seller.id)
    assert api.get(f"/api/build/{project.public_id}/2/zip").status_code == 404

    # Before the purchase: no download for the visitor (403, told why), a 404 for anyone else.
    with pytest.raises(PermissionDenied):
        variations.variation_zip(db, user_id=visitor.id, public_id=public_id)
    with pytest.raises(NotFound):
        variations.variation_view(db, user_id=stranger.id, public_id=public_id)
    from vibecoder.domain.accounts import auth

    api.cookies.set("vc_session", auth.create_session(session=db, user=visitor))
    db.commit()
    locked = api.get(f"/api/variations/{public_id}/zip")
    assert locked.status_code == 403 and locked.json()["error"] == "purchase_required"
    api.cookies.set("vc_session", auth.create_session(session=db, user=stranger))
    db.commit()
    assert api.get(f"/api/variations/{public_id}/zip").status_code == 404
    api.cookies.clear()
    assert api.get(f"/api/variations/{public_id}/zip").status_code == 404
    assert _events(db, "variation_preview") == 1

    # Buy through the test gateway: its pay page emits the checkout event, fulfilment unlocks.
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=visitor.id, listing_id=listing.id)
    path = "/" + start.url.split("://", 1)[1].split("/", 1)[1]
    assert pay_as(api, db, visitor, path).status_code == 303
    wait_for(lambda: process_all(db) == ["paid"])
    process_all(db)  # nothing left: a replay would change nothing
    assert _view(db, visitor, public_id).unlocked
    assert _events(db, "variation_purchase") == 1

    api.cookies.set("vc_session", auth.create_session(session=db, user=visitor))
    db.commit()
    download = api.get(f"/api/variations/{public_id}/zip")
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    root = names[0].split("/")[0]
    assert f"{root}/src/components/Hero.jsx" in names and f"{root}/app.js" in names
    hero_zip = zipfile.ZipFile(io.BytesIO(download.content)).read(f"{root}/src/components/Hero.jsx")
    assert b"flower shop" in hero_zip
    # The library lists it beside the original, downloadable.
    [entry] = library_for(session=db, user=visitor)
    assert [(v.public_id, v.prompt, v.ready) for v in entry.variations] == [
        (public_id, FLOWERS, True)
    ]
    # Kept past the 7 days once bought: the cleanup leaves it.
    db.exec(
        ListingVariation.__table__.update()
        .where(ListingVariation.public_id == public_id)
        .values(expires_at=datetime.now(UTC) - timedelta(days=1))
    )
    db.commit()
    assert purge_expired(session=db) == 0
    assert _view(db, visitor, public_id).unlocked

    # The seller sees both on the dashboard and in the funnel.
    board = dashboard(session=db, seller=seller, range_key="7d")
    cards = {c.key: c.value for c in board.cards}
    assert (cards["variations"], cards["variation_sales"]) == ("1", "1")
    funnel = {s.stage: (s.count, s.rate) for s in board.funnel}
    assert funnel["Variations previewed"][0] == 1
    assert funnel["Variations → purchase"] == (1, "100%")


def test_static_storefront_variation_beside_the_original(db, api, celery_worker):
    """The seeded kind of storefront template: a static index.html with products.js/cart.js."""
    _, listing = _static_storefront(db)
    visitor = make_user(db, "visitor@example.com")
    public_id = _start(db, visitor, listing)
    view = _finished(db, visitor, public_id)
    assert view.status == "done", view.error
    # The page's sections went through the builder's steps; its CSS and scripts did not.
    assert [s.name for s in view.steps] == ["Header", "Shop", "Footer"]
    assert all(s.status == "done" for s in view.steps)
    original = _project_files(db, public_id, 1)
    changed = _project_files(db, public_id, view.variation_number)
    assert "Plants that actually survive your flat" in original["src/components/Header.jsx"]
    for kept in ("src/components/PageStyles.jsx", "src/components/PageScripts.jsx"):
        assert changed[kept] == original[kept]
    footer = changed["src/components/Footer.jsx"]
    assert footer != original["src/components/Footer.jsx"] and "pink-" in footer

    # Both pages answer on the preview origin; in the sandboxed frame, under the preview's
    # CSP, the original's own CSS applies, its scripts fill the shop and the cart answers.
    api.cookies.clear()
    pages = {}
    for role, url in (("original", view.original_url), ("variation", view.variation_url)):
        response = api.get("/" + url.split("://", 1)[1].split("/", 1)[1])
        assert response.status_code == 200, response.text
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        pages[role] = (response.text, headers)
    shop = reporting_frame_messages(
        *pages["original"],
        in_frame="""() => {
          const cards = document.querySelectorAll('#products .card');
          if (!cards.length) return null;
          if (!window.clicked) cards[0].querySelector('button').click();
          window.clicked = true;
          return { cards: cards.length,
                   summary: document.getElementById('cart-summary').textContent,
                   nav: getComputedStyle(document.querySelector('nav')).display };
        }""",
    )
    assert [m["data"]["kind"] for m in shop[:-1]] == ["ready"]
    assert shop[-1]["cards"] == 3 and shop[-1]["summary"].startswith("1 item(s)")
    assert shop[-1]["nav"] == "flex"  # and the page's own CSS applies
    # The variation shows, and its kept scripts' error (no #products any more) is only logged.
    assert [m["data"]["kind"] for m in reporting_frame_messages(*pages["variation"])] == ["ready"]


def test_daily_quota_is_counted_on_the_server(db):
    _, listing = _storefront(db)
    visitor = make_user(db, "visitor@example.com")
    with configured(VIBECODER_VARIATIONS_PER_USER_PER_DAY="2"):
        _start(db, visitor, listing)
        _start(db, visitor, listing, "The same page for a bakery")
        with pytest.raises(RateLimited) as refused:
            _start(db, visitor, listing, "The same page for a bike shop")
        db.rollback()
    assert "2 variations a day" in refused.value.message
    count = db.exec(select(func.count()).select_from(ListingVariation)).one()
    assert count == 2
    # Bad input is refused before it counts (and writes nothing).
    with configured(VIBECODER_VARIATIONS_PER_USER_PER_DAY="3"):
        with pytest.raises(ValidationFailed):
            _start(db, visitor, listing, "   ")
        db.rollback()
        _start(db, visitor, listing, "Make it dark")


def test_token_budget_stops_the_variation(db, celery_worker):
    _, listing = _storefront(db)
    visitor = make_user(db, "visitor@example.com")
    with configured(VIBECODER_VARIATION_TOKEN_BUDGET="400"):
        public_id = _start(db, visitor, listing)
    view = _finished(db, visitor, public_id)
    assert view.status == "budget_exceeded" and "budget (400)" in view.error
    assert view.budget == 400 and view.variation_url == "" and view.original_url


def test_seller_switch_and_web_listings_only(db):
    seller, listing = _storefront(db)
    other_seller = make_user(db, "other@example.com", role=Role.seller)
    visitor = make_user(db, "visitor@example.com")
    with pytest.raises(NotFound):
        set_variations_enabled(
            session=db, seller=other_seller, listing_id=listing.id, enabled=False
        )
    db.rollback()
    set_variations_enabled(session=db, seller=seller, listing_id=listing.id, enabled=False)
    db.commit()
    offer = variations.offer(db, listing_id=listing.id)
    assert (offer.web, offer.enabled) == (True, False) and "turned variations off" in offer.reason
    with pytest.raises(PermissionDenied) as refused:
        _start(db, visitor, listing)
    db.rollback()
    assert refused.value.code == "variations_off"
    assert db.exec(select(func.count()).select_from(ListingVariation)).one() == 0
    set_variations_enabled(session=db, seller=seller, listing_id=listing.id, enabled=True)
    db.commit()
    assert _start(db, visitor, listing)

    script = publish(db, seller, title="CSV Deduper Pro")
    assert not variations.offer(db, listing_id=script.id).web
    with pytest.raises(ValidationFailed):
        _start(db, visitor, script)
    db.rollback()

    # A static page (index.html and its scripts) is a web listing too, under the same switch.
    _, static = _static_storefront(db, seller)
    assert variations.offer(db, listing_id=static.id) == variations.Offer(True, True)
    set_variations_enabled(session=db, seller=seller, listing_id=static.id, enabled=False)
    db.commit()
    assert not variations.offer(db, listing_id=static.id).enabled
    with pytest.raises(PermissionDenied):
        _start(db, visitor, static)
    db.rollback()
    # One it cannot turn into components says why, on the page and when asked anyway.
    files = static_storefront_files()
    files["index.html"] = files["index.html"].replace(
        "</body>", "<script>document.write('<p>Sale!</p>')</script></body>"
    )
    writer = publish(db, seller, files=files, **{**STATIC_LISTING, "title": "Writer Shop"})
    offer = variations.offer(db, listing_id=writer.id)
    assert (offer.web, offer.enabled) == (True, False)
    assert offer.reason == (
        "This page cannot be varied: inline script 1 calls document.write, which would erase "
        "a drawn page."
    )
    with pytest.raises(ValidationFailed) as refused:
        _start(db, visitor, writer)
    db.rollback()
    assert refused.value.message == offer.reason
    assert db.exec(select(func.count()).select_from(ListingVariation)).one() == 1


def test_locked_variations_expire_after_seven_days(db):
    from workers.celery_app import app
    from workers.maintenance import purge_expired_variations

    _, listing = _storefront(db)
    visitor = make_user(db, "visitor@example.com")
    public_id = _start(db, visitor, listing)
    variation = db.exec(
        select(ListingVariation).where(ListingVariation.public_id == public_id)
    ).one()
    assert variation.expires_at - variation.created_at == timedelta(days=7)
    project_id = variation.project_id
    variation.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.add(variation)
    db.commit()
    # Expired is gone for its visitor at once, before the cleanup runs.
    with pytest.raises(NotFound):
        variations.variation_view(db, user_id=visitor.id, public_id=public_id)
    fresh = _start(db, visitor, listing, "Make it dark")
    assert purge_expired_variations() == 1
    assert purge_expired_variations() == 0  # idempotent
    db.expire_all()
    assert db.get(BuilderProject, project_id) is None
    remaining = db.exec(select(ListingVariation.public_id)).all()
    assert remaining == [fresh]
    schedule = app.conf.beat_schedule["purge-expired-variations"]
    assert schedule["task"] == "workers.maintenance.purge_expired_variations"
