"""Paid code stays paid: the code viewer's policy per role, enforced in the service."""

from __future__ import annotations

from tests.fakes.commerce import api_fixture, configured, make_user, pay_as, process_all, publish  # noqa: F401
from vibecoder.domain.catalog.code_viewer import PREVIEW_LINES, read_for_viewer
from vibecoder.domain.catalog.listings import latest_version
from vibecoder.domain.commerce import checkout
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
