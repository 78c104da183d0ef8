"""Purchases as the public API sees them: list mine, buy or claim, and fetch an owned version.

Thin over checkout/access/downloads/licensing: the same rules as the pages (a free listing is
claimed at once, a paid one starts a checkout), the same signed download links, and another
buyer's purchase is always "not found".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import redis
from sqlmodel import Session, col, select

from vibecoder.domain.catalog import archive, semver
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import access, checkout, downloads, library
from vibecoder.errors import NotFound, PermissionDenied, ValidationFailed
from vibecoder.infra import storage
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.users import User

ZIP_SHA_CACHE = "api:zipsha:v1:{}:{}"
ZIP_SHA_TTL = 7 * 24 * 3600


@dataclass(frozen=True)
class PurchaseRow:
    purchase: Purchase
    listing: Listing


def list_purchases(
    *, session: Session, user: User, before_id: int | None, limit: int
) -> tuple[list[PurchaseRow], int | None]:
    """The buyer's purchases, newest first, from before `before_id`; returns the next cursor id.

    Abandoned checkouts (canceled) are left out, as on the library page.
    """
    query = (
        select(Purchase, Listing)
        .join(Listing, Listing.id == Purchase.listing_id)
        .where(Purchase.buyer_id == user.id, Purchase.status != PurchaseStatus.canceled)
        .order_by(Purchase.id.desc())
        .limit(limit + 1)
    )
    if before_id is not None:
        query = query.where(col(Purchase.id) < before_id)
    rows = [PurchaseRow(p, listing) for p, listing in session.exec(query).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].purchase.id if more and rows else None)


def get_purchase(*, session: Session, user: User, purchase_id: int) -> PurchaseRow:
    purchase = session.get(Purchase, purchase_id) if 0 < purchase_id < 2**31 else None
    if purchase is None or purchase.buyer_id != user.id:
        raise NotFound("purchase_not_found", "No such purchase.")
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    return PurchaseRow(purchase, listing)


def listing_by_slug(*, session: Session, slug: str, viewer: User | None) -> Listing:
    return catalog.get_listing_for_viewer(session=session, slug=slug[:200], viewer=viewer)


@dataclass(frozen=True)
class PurchaseStart:
    purchase_id: int
    status: str
    checkout_url: str | None


def start_purchase(*, buyer_id: int, slug: str) -> PurchaseStart:
    """Claim a free listing at once, or open a checkout and return its URL."""
    from vibecoder.infra.db import session_scope

    with session_scope() as session:
        buyer = session.get(User, buyer_id)
        if buyer is None:
            raise NotFound("user_not_found", "Sign in again.")
        listing = listing_by_slug(session=session, slug=slug, viewer=buyer)
        listing_id = listing.id
        if listing.pricing_model == "free" and listing.price_cents == 0:
            purchase = checkout.claim_free(session=session, buyer=buyer, listing_id=listing_id)
            return PurchaseStart(purchase.id, purchase.status, None)
        owned = access.owned_purchase(session=session, buyer_id=buyer.id, listing_id=listing_id)
        if owned is not None:
            return PurchaseStart(owned.id, owned.status, None)
    # Two short transactions and the gateway call between them, as on the listing page.
    started = checkout.begin_checkout(buyer_id=buyer_id, listing_id=listing_id)
    return PurchaseStart(started.purchase_id, PurchaseStatus.pending, started.url)


def archive_sha256(
    *, redis_client: redis.Redis, version_id: int, root: str, files: list[tuple[str, str]]
) -> str:
    """SHA-256 of the exact zip the download streams (the stream is deterministic: fixed member
    order and timestamps), cached per version since published files never change."""
    key = ZIP_SHA_CACHE.format(version_id, hashlib.sha256(root.encode()).hexdigest()[:16])
    cached = redis_client.get(key)
    if cached:
        return cached if isinstance(cached, str) else cached.decode()
    digest = hashlib.sha256()
    for chunk in archive.build_zip_stream(files, storage.get_blob_store(), root=root):
        digest.update(chunk)
    value = digest.hexdigest()
    redis_client.set(key, value, ex=ZIP_SHA_TTL)
    return value


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    changelog: str
    published_at: datetime | None


@dataclass(frozen=True)
class VersionDownload:
    purchase_id: int
    listing_slug: str
    version_id: int
    version: str
    url: str
    expires_in: int
    filename: str
    sha256: str
    size_bytes: int
    license_key: str
    changelog_since: list[ChangelogEntry]


def _pick_version(
    session: Session, listing: Listing, version: str | None, since: str | None
) -> tuple[ListingVersion, list[ListingVersion]]:
    versions = catalog.versions_of(session=session, listing_id=listing.id, published_only=True)
    if not versions:
        raise NotFound("version_not_found", "This listing has no published version.")
    if version:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            raise NotFound("version_not_found", "No such version.")
    else:
        chosen = next((v for v in versions if v.is_latest), versions[0])
    newer: list[ListingVersion] = []
    if since:
        try:
            floor = semver.sort_key(since)
        except ValueError as exc:
            raise ValidationFailed(
                "invalid_version", "`since` must be a version like 1.2.0.", field="since"
            ) from exc
        top = semver.sort_key(chosen.version)
        newer = [v for v in versions if floor < semver.sort_key(v.version) <= top]
    return chosen, newer


def download_for(
    *,
    session: Session,
    redis_client: redis.Redis,
    user: User,
    slug: str,
    version: str | None = None,
    since: str | None = None,
    ttl_seconds: int,
) -> VersionDownload:
    """A signed link for a version of a listing the user owns, with what a client needs to
    verify and install it: the archive's SHA-256, the license key and the changelog since."""
    listing = listing_by_slug(session=session, slug=slug, viewer=user)
    purchase = access.owned_purchase(session=session, buyer_id=user.id, listing_id=listing.id)
    if purchase is None:
        if (
            listing.seller_id != user.id
            and listing.status == "published"
            and (listing.pricing_model == "free" and listing.price_cents == 0)
        ):
            raise PermissionDenied("not_owned", "Claim this free listing first: POST /purchases.")
        raise PermissionDenied("not_owned", "Buy this listing before downloading it.")
    chosen, newer = _pick_version(session, listing, version, since)
    url = downloads.create_link(
        session=session, user=user, purchase_id=purchase.id, version_id=chosen.id
    )
    files = catalog.files_of(session=session, version_id=chosen.id)
    filename = f"{listing.slug}-{chosen.version}.zip"
    sha = archive_sha256(
        redis_client=redis_client,
        version_id=chosen.id,
        root=filename.removesuffix(".zip"),
        files=[(f.path, f.sha256) for f in files],
    )
    return VersionDownload(
        purchase_id=purchase.id,
        listing_slug=listing.slug,
        version_id=chosen.id,
        version=chosen.version,
        url=url,
        expires_in=ttl_seconds,
        filename=filename,
        sha256=sha,
        size_bytes=sum(f.size for f in files),
        license_key=library.key_for_owner(session=session, user=user, purchase_id=purchase.id),
        changelog_since=[
            ChangelogEntry(v.version, v.changelog, v.published_at) for v in reversed(newer)
        ],
    )
