"""No secrets at rest in clear: receipts, notifications and page data hold a masked key; the
license API names the listing, not the buyer; the clear key goes only to its owner."""

from __future__ import annotations

from sqlmodel import select

from tests.fakes.commerce import (  # noqa: F401 - `api_fixture` is the `api` fixture
    api_fixture,
    configured,
    make_user,
    pay_as,
    process_all,
    publish,
)
from vibecoder.domain.accounts import auth
from vibecoder.domain.commerce import checkout, licensing
from vibecoder.domain.commerce.library import library_for
from vibecoder.models.commerce import License, Notification
from vibecoder.models.users import Role
from vibecoder.settings import get_settings


def _bought(db, api):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(db, seller)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    pay_as(api, db, buyer, "/" + start.url.split("://", 1)[1].split("/", 1)[1])
    process_all(db)
    lic = db.exec(select(License).where(License.purchase_id == start.purchase_id)).one()
    return buyer, start.purchase_id, licensing.reveal_key(lic)


def test_receipts_and_page_data_never_hold_the_full_key(db, api):
    buyer, purchase_id, key = _bought(db, api)
    assert key and key.startswith("VC-")
    bodies = [n.body for n in db.exec(select(Notification)).all()]
    receipt = next(b for b in bodies if "License key:" in b)
    assert licensing.mask_key(key) in receipt
    assert all(key not in body for body in bodies)
    outbox = get_settings().outbox_dir
    if outbox.exists():
        assert all(
            key not in p.read_text(errors="replace") for p in outbox.rglob("*") if p.is_file()
        )
    entries = library_for(session=db, user=buyer)
    assert entries and all(key not in repr(entry) for entry in entries)

    # The clear key: only to its owner, through the API route the library page calls.
    api.cookies.clear()
    assert api.get(f"/api/library/{purchase_id}/key").status_code == 404
    stranger = make_user(db, "stranger@example.com")
    api.cookies.set("vc_session", auth.create_session(session=db, user=stranger))
    db.commit()
    assert api.get(f"/api/library/{purchase_id}/key").status_code == 404
    api.cookies.set("vc_session", auth.create_session(session=db, user=buyer))
    db.commit()
    owner = api.get(f"/api/library/{purchase_id}/key")
    assert owner.status_code == 200 and owner.json() == {"key": key}
    assert owner.headers["cache-control"].startswith("no-store")


def test_license_api_returns_listing_and_status_not_the_buyer(db, api):
    _, _, key = _bought(db, api)
    api.cookies.clear()
    body = api.post("/api/v1/licenses/validate", json={"license_key": key})
    assert body.status_code == 200, body.text
    data = body.json()
    assert data["meta"] == {"listing_slug": "csv-deduper", "listing_title": "CSV Deduper"}
    assert data["license_key"]["status"] in ("inactive", "active")
    assert "buyer@example.com" not in body.text and "email" not in body.text
