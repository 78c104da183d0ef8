"""Paid code stays paid: the code viewer's policy per role, enforced in the service."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.fakes.commerce import (  # noqa: F401
    LISTING,
    api_fixture,
    configured,
    make_user,
    pay_as,
    process_all,
    publish,
)
from vibecoder.domain.catalog import importer
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.code_viewer import PREVIEW_LINES, read_for_viewer
from vibecoder.domain.catalog.listings import latest_version
from vibecoder.domain.commerce import checkout, downloads
from vibecoder.errors import NotFound, ValidationFailed
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import Purchase
from vibecoder.models.users import Role

BODY = "".join(f"line_{n} = {n}\n" for n in range(1, 201))
FILES = {"app/main.py": BODY, "README.md": "# Title\n" + BODY, "docs/guide.md": BODY}


def _read(db, listing, path, viewer):
    version = latest_version(session=db, listing_id=listing.id)
    return read_for_viewer(session=db, version_id=version.id, path=path, viewer=viewer)


def test_paid_listing_shows_previews_in_full_and_the_head_of_the_rest(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    stranger = make_user(db, "stranger@example.com")
    listing = publish(db, seller, files=FILES)
    assert listing.price_cents > 0

    for visitor in (None, stranger, buyer):
        head = _read(db, listing, "app/main.py", visitor)
        assert head.text.count("\n") == PREVIEW_LINES and "line_41" not in head.text
        assert "Buy this listing to see the rest" in head.notice
        assert "line_200" in _read(db, listing, "README.md", visitor).text
        assert "line_200" in _read(db, listing, "docs/guide.md", visitor).text
    # The seller sees everything.
    assert "line_200" in _read(db, listing, "app/main.py", seller).text

    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    pay_as(api, db, buyer, "/" + start.url.split("://", 1)[1].split("/", 1)[1])
    process_all(db)
    bought = _read(db, listing, "app/main.py", buyer)
    assert "line_200" in bought.text and bought.notice == ""
    # Someone else's purchase opens nothing for a stranger.
    assert "line_41" not in _read(db, listing, "app/main.py", stranger).text


def test_free_listing_shows_everything(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    listing = publish(
        db, seller, files=FILES, pricing_model="free", price_cents=0, license_type="mit"
    )
    assert "line_200" in _read(db, listing, "app/main.py", None).text


MARKED = {**FILES, "app/cli.py": BODY, "app/extra.py": BODY}


def test_seller_marked_preview_files_are_shown_in_full_and_nothing_else(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    stranger = make_user(db, "stranger@example.com")
    admin = make_user(db, "admin@example.com", Role.admin)
    listing = publish(db, seller, files=MARKED)
    # The seller marks one source file and keeps the docs (the README is no longer marked).
    catalog.update_listing(
        session=db,
        seller=seller,
        listing_id=listing.id,
        data={**LISTING, "preview_files": ["app/cli.py", "/docs/"]},
    )
    db.commit()

    for visitor in (None, stranger, buyer):
        assert "line_200" in _read(db, listing, "app/cli.py", visitor).text
        assert "line_200" in _read(db, listing, "docs/guide.md", visitor).text
        for path in ("app/extra.py", "README.md"):
            cut = _read(db, listing, path, visitor)
            assert "line_41" not in cut.text and "Buy this listing to see the rest" in cut.notice
            assert "marked as preview" in cut.notice
    for insider in (seller, admin):
        assert "line_200" in _read(db, listing, "app/extra.py", insider).text

    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    pay_as(api, db, buyer, "/" + start.url.split("://", 1)[1].split("/", 1)[1])
    process_all(db)
    assert "line_200" in _read(db, listing, "app/extra.py", buyer).text
    assert "line_41" not in _read(db, listing, "app/extra.py", stranger).text

    # Marking files opens the viewer, never the zip: downloads still need the buyer's own link.
    version = latest_version(session=db, listing_id=listing.id)
    purchase = db.get(Purchase, start.purchase_id)
    assert api.get(f"/api/downloads/{purchase.id}/{version.id}").status_code == 403
    with pytest.raises(NotFound):
        downloads.create_link(
            session=db, user=stranger, purchase_id=purchase.id, version_id=version.id
        )


@pytest.mark.parametrize(
    ("pattern", "complaint"),
    [
        ("../secrets.py", "inside the listing"),
        ("src\\main.py", "use / between folders"),
        ("!app/*.py", "exclusions"),
        ("app//main.py", "empty folder name"),
        ("app/[main.py", "not a valid pattern"),
        ("app/$(id).py", "letters, digits"),
        ("app/\x00.py", "control character"),
    ],
)
def test_preview_patterns_are_validated_and_nothing_is_saved(db, pattern, complaint):
    seller = make_user(db, "seller@example.com", Role.seller)
    listing = publish(db, seller, files=MARKED)
    with pytest.raises(ValidationFailed) as refused:
        catalog.update_listing(
            session=db,
            seller=seller,
            listing_id=listing.id,
            data={**LISTING, "title": "Changed title", "preview_files": [pattern]},
        )
    db.rollback()
    assert refused.value.field == "preview_files" and complaint in refused.value.message
    db.expire_all()
    stored = db.get(Listing, listing.id)
    assert stored.title == LISTING["title"] and stored.preview_files == [
        "README*",
        "/docs/",
        "/doc/",
    ]


def test_importer_and_api_mark_preview_files(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    record = {
        "slug": "marked-importer",
        "title": "Marked by import",
        "category": "CLI tools",
        "price_cents": 900,
        "files": {"README.md": BODY, "src/cli.py": BODY, "src/lib.py": BODY},
        "preview_files": ["src/cli.py"],
    }
    summary = importer.import_lines(session=db, lines=[json.dumps(record)], seller=seller)
    db.commit()
    assert summary.errors == []
    listing = db.exec(select(Listing).where(Listing.slug == "marked-importer")).one()
    assert listing.preview_files == ["src/cli.py"]
    assert "line_200" in _read(db, listing, "src/cli.py", None).text
    assert "line_41" not in _read(db, listing, "src/lib.py", None).text

    bad = {**record, "slug": "marked-badly", "preview_files": ["../../etc/passwd"]}
    summary = importer.import_lines(session=db, lines=[json.dumps(bad)], seller=seller)
    db.commit()
    assert len(summary.errors) == 1 and "inside the listing" in summary.errors[0][1]
    assert db.exec(select(Listing).where(Listing.slug == "marked-badly")).first() is None

    # The public API shows the marks (they decide what a visitor can read).
    body = api.get("/api/v1/listings/marked-importer").json()
    assert body["preview_files"] == ["src/cli.py"]
