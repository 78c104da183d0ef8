"""Signed, short-lived, re-checked download links; streamed zips; no IDOR."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from tests.fakes.commerce import (
    add_version,
    api_fixture,  # noqa: F401 - the `api` fixture
    configured,
    make_user,
    pay_as,  # noqa: I001
    process_all,
    publish,
)
from vibecoder.domain.commerce import checkout, downloads, refunds
from vibecoder.domain.commerce.library import key_for_owner, library_for, library_page
from vibecoder.domain.errors import NotFound, PermissionDenied
from vibecoder.models.catalog import ListingVersion
from vibecoder.models.commerce import DownloadCount, Purchase
from vibecoder.models.users import Role


def _bought(db, api, files=None):
    seller = make_user(db, "seller@example.com", Role.seller)
    buyer = make_user(db, "buyer@example.com")
    listing = publish(db, seller, files=files)
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    path = "/" + start.url.split("://", 1)[1].split("/", 1)[1]
    pay_as(api, db, buyer, path)
    process_all(db)
    version = db.exec(select(ListingVersion).where(ListingVersion.listing_id == listing.id)).one()
    return seller, buyer, listing, db.get(Purchase, start.purchase_id), version


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_buyer_downloads_the_zip_and_it_is_counted(db, api):
    seller, buyer, listing, purchase, version = _bought(db, api)
    url = downloads.create_link(
        session=db, user=buyer, purchase_id=purchase.id, version_id=version.id
    )
    response = api.get(_path(url))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "csv-deduper-1.0.0.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == [
            "csv-deduper-1.0.0/README.md",
            "csv-deduper-1.0.0/dedupe.py",
        ]
        assert archive.read("csv-deduper-1.0.0/dedupe.py") == b"print('dedupe')\n"
    api.get(_path(url))
    db.expire_all()
    count = db.exec(select(DownloadCount)).one()
    assert (count.purchase_id, count.version_id, count.count) == (purchase.id, version.id, 2)
    [entry] = library_for(session=db, user=buyer)
    assert entry.versions[0].downloads == 2 and entry.can_download


def test_other_users_cannot_reach_a_purchase(db, api):
    seller, buyer, listing, purchase, version = _bought(db, api)
    intruder = make_user(db, "intruder@example.com")
    for user in (intruder, seller):
        with pytest.raises(NotFound):
            downloads.create_link(
                session=db, user=user, purchase_id=purchase.id, version_id=version.id
            )
    url = downloads.create_link(
        session=db, user=buyer, purchase_id=purchase.id, version_id=version.id
    )
    # Swapping the user in a valid link breaks its signature.
    forged = _path(url).replace(f"u={buyer.id}", f"u={intruder.id}")
    assert api.get(forged).status_code == 403
    # Pointing it at another purchase or version does too.
    assert api.get(_path(url).replace(f"/{purchase.id}/", "/999/")).status_code == 403
    tampered = _path(url)[:-4] + "0000"
    assert api.get(tampered).json()["error"] == "invalid_signature"
    assert api.get(f"/api/downloads/{purchase.id}/{version.id}").status_code == 403
    assert library_for(session=db, user=intruder) == []
    # The key is shown to its owner only.
    assert key_for_owner(session=db, user=intruder, purchase_id=purchase.id) == ""
    assert key_for_owner(session=db, user=seller, purchase_id=purchase.id) == ""
    assert key_for_owner(session=db, user=buyer, purchase_id=purchase.id).startswith("VC-")


def test_links_expire_after_ten_minutes(db, api):
    _, buyer, _, purchase, version = _bought(db, api)
    issued = time.time() - 601
    url = downloads.create_link(
        session=db, user=buyer, purchase_id=purchase.id, version_id=version.id, now=issued
    )
    response = api.get(_path(url))
    assert response.status_code == 403 and response.json()["error"] == "link_expired"


def test_refund_after_the_link_was_issued_closes_it(db, api):
    seller, buyer, _, purchase, version = _bought(db, api)
    url = downloads.create_link(
        session=db, user=buyer, purchase_id=purchase.id, version_id=version.id
    )
    refunds.refund_purchase(session=db, actor=seller, purchase_id=purchase.id)
    db.commit()
    response = api.get(_path(url))
    assert response.status_code == 403 and response.json()["error"] == "purchase_inactive"
    with pytest.raises(PermissionDenied):
        downloads.create_link(
            session=db, user=buyer, purchase_id=purchase.id, version_id=version.id
        )
    [entry] = library_for(session=db, user=buyer)
    assert entry.status == "refunded" and not entry.can_download
    assert entry.license_status == "disabled" and "•" in entry.license_key
    assert key_for_owner(session=db, user=buyer, purchase_id=purchase.id) == ""


def test_library_pages_hide_abandoned_checkouts(db, api):
    seller, buyer, listing, purchase, _ = _bought(db, api)
    for index in range(3):
        free = publish(db, seller, title=f"Free tool {index}", pricing_model="free", price_cents=0)
        checkout.claim_free(session=db, buyer=buyer, listing_id=free.id)
        db.commit()
    # A checkout opened and never paid is not in the library.
    other = publish(db, seller, title="Unpaid tool")
    with configured(VIBECODER_PAYMENT_GATEWAY="dummy"):
        checkout.begin_checkout(buyer_id=buyer.id, listing_id=other.id)
    first, total = library_page(session=db, user=buyer, page=1, page_size=3)
    second, _ = library_page(session=db, user=buyer, page=2, page_size=3)
    assert total == 4
    assert [e.listing_title for e in first] == ["Free tool 2", "Free tool 1", "Free tool 0"]
    assert [e.purchase_id for e in second] == [purchase.id]


def test_only_published_versions_of_the_purchased_listing(db, api):
    seller, buyer, listing, purchase, version = _bought(db, api)
    other = publish(db, seller, title="Another tool")
    other_version = db.exec(
        select(ListingVersion).where(ListingVersion.listing_id == other.id)
    ).one()
    with pytest.raises(NotFound):
        downloads.create_link(
            session=db, user=buyer, purchase_id=purchase.id, version_id=other_version.id
        )
    # Free updates: a newer published version of the same listing is downloadable.
    newer = add_version(db, seller, listing, "1.1.0", {"dedupe.py": "print('new')\n"})
    assert downloads.create_link(session=db, user=buyer, purchase_id=purchase.id, version_id=newer)


def test_zip_is_streamed_not_built_in_memory(db, api):
    size = 4 * 1024 * 1024
    files = {f"data/blob{i}.bin": os.urandom(size) for i in range(3)}
    with configured(VIBECODER_MAX_FILE_BYTES=str(8 * 1024 * 1024)):
        _, buyer, _, purchase, version = _bought(db, api, files=files)
    url = downloads.create_link(
        session=db, user=buyer, purchase_id=purchase.id, version_id=version.id
    )
    parts = urlsplit(url).query.split("&")
    params = dict(p.split("=", 1) for p in parts)
    plan = downloads.open_download(
        session=db,
        user_id=buyer.id,
        purchase_id=purchase.id,
        version_id=version.id,
        expires=int(params["exp"]),
        signature=params["sig"],
    )
    db.commit()  # release the download-count row the request below bumps too
    tracemalloc.start()
    total, chunks = 0, 0
    for chunk in plan.stream():
        total += len(chunk)
        chunks += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > 3 * size  # incompressible data: the zip is bigger than its parts
    assert chunks >= total // (2 * 1024 * 1024)  # about one chunk per blob-store chunk
    # Bounded by the blob store's 1 MB read chunk, not by the archive's size.
    assert peak < min(6 * 1024 * 1024, total // 2), f"peak {peak} B while streaming {total} B"
    response = api.get(_path(url))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        assert len(archive.namelist()) == 3
