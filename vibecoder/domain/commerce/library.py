"""The buyer's library: every purchase with its versions, key, activations and receipt."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from vibecoder.domain import dates
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import semver
from vibecoder.domain.catalog.variations import LibraryVariation, library_variations
from vibecoder.domain.commerce import downloads, licensing
from vibecoder.domain.commerce.access import grants_access
from vibecoder.domain.commerce.money import format_amount
from vibecoder.domain.paging import page_offset
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.commerce import (
    CheckoutAttempt,
    CheckoutStatus,
    License,
    Purchase,
    PurchaseStatus,
)
from vibecoder.models.users import User

STATUS_LABELS = {
    PurchaseStatus.pending: "Processing payment…",
    PurchaseStatus.paid: "Paid",
    PurchaseStatus.refunded: "Refunded",
    PurchaseStatus.disputed: "Disputed",
}


class ActivationEntry(BaseModel):
    id: int
    name: str
    instance_id: str
    created: str


class VersionDownload(BaseModel):
    id: int
    version: str
    published: str
    is_latest: bool
    downloads: int


class LibraryEntry(BaseModel):
    purchase_id: int
    listing_title: str
    listing_slug: str
    status: str
    status_label: str
    can_download: bool
    amount: str
    purchased: str
    gateway: str
    payment_ref: str
    version_bought: str
    # The version this purchase is for: "Open in builder" in the library opens it.
    version_bought_id: int = 0
    latest_version: str
    update_available: bool
    license_key: str
    license_masked: str
    license_status: str
    activation_limit: str
    activation_count: int
    activations: list[ActivationEntry]
    usage: str
    access_until: str
    versions: list[VersionDownload]
    # Variations previewed before buying, unlocked by this purchase (downloadable with it).
    variations: list[LibraryVariation] = []


def _key_for(lic: License | None) -> tuple[str, str]:
    # Only the masked form goes into page data (Reflex state): the clear key is fetched by
    # the page from /api/library/<id>/key when the owner asks (key_for_owner).
    if lic is None:
        return "", ""
    masked = licensing.mask(lic.key_prefix)
    return masked, masked


def library_for(*, session: Session, user: User, now: datetime | None = None) -> list[LibraryEntry]:
    return library_page(session=session, user=user, page=1, page_size=10_000, now=now)[0]


def library_page(
    *, session: Session, user: User, page: int = 1, page_size: int = 10, now: datetime | None = None
) -> tuple[list[LibraryEntry], int]:
    """One page of the buyer's library (newest first) and how many entries there are."""
    now = now or datetime.now(UTC)
    tz = dates.zone_of(session, user.id)
    rows = session.exec(
        select(Purchase, Listing, License)
        .join(Listing, Listing.id == Purchase.listing_id)
        .join(License, License.purchase_id == Purchase.id, isouter=True)
        .where(Purchase.buyer_id == user.id)
        .order_by(Purchase.id.desc())
    ).all()
    completed = set(
        session.exec(
            select(CheckoutAttempt.purchase_id).where(
                CheckoutAttempt.buyer_id == user.id,
                CheckoutAttempt.status == CheckoutStatus.completed,
            )
        ).all()
    )
    # Pending purchases show only once the buyer has paid (fulfilment is on its way).
    visible = [
        (purchase, listing, lic)
        for purchase, listing, lic in rows
        if not (
            purchase.status == PurchaseStatus.canceled
            or (purchase.status == PurchaseStatus.pending and purchase.id not in completed)
        )
    ]
    start = page_offset(page, page_size)
    entries: list[LibraryEntry] = []
    shown = visible[start : start + page_size]
    remixes = library_variations(
        session=session,
        user_id=user.id,
        listing_ids=[row[1].id for row in shown if row[1].id is not None],
        tz=tz,
    )
    for purchase, listing, lic in shown:
        versions = catalog.versions_of(session=session, listing_id=listing.id, published_only=True)
        counts = downloads.download_counts(session=session, purchase_id=purchase.id)
        bought = session.get(ListingVersion, purchase.version_id) if purchase.version_id else None
        latest = next((v for v in versions if v.is_latest), versions[0] if versions else None)
        seen = [v for v in versions if counts.get(v.id)] + ([bought] if bought else [])
        newest_seen = max((semver.sort_key(v.version) for v in seen), default=None)
        update = bool(
            latest and newest_seen is not None and semver.sort_key(latest.version) > newest_seen
        )
        key, masked = _key_for(lic)
        activations = licensing.activations_for(session=session, license_id=lic.id) if lic else []
        status = licensing.effective_status(lic, purchase.status, now) if lic is not None else ""
        entries.append(
            LibraryEntry(
                purchase_id=purchase.id,
                listing_title=listing.title,
                listing_slug=listing.slug,
                status=purchase.status,
                status_label=STATUS_LABELS.get(purchase.status, purchase.status),
                can_download=grants_access(purchase, now),
                amount=format_amount(purchase.amount_cents, purchase.currency)
                if purchase.amount_cents
                else "Free",
                purchased=dates.local(purchase.paid_at or purchase.created_at, tz),
                gateway=purchase.gateway,
                payment_ref=purchase.gateway_ref or purchase.subscription_ref or "",
                version_bought=bought.version if bought else "",
                version_bought_id=bought.id if bought and bought.id is not None else 0,
                latest_version=latest.version if latest else "",
                update_available=update,
                license_key=key if status != "disabled" else masked,
                license_masked=masked,
                license_status=status,
                activation_limit=(
                    "unlimited"
                    if lic is not None and lic.activation_limit is None
                    else str(lic.activation_limit if lic else 0)
                ),
                activation_count=len(activations),
                activations=[
                    ActivationEntry(
                        id=a.id,
                        name=a.name,
                        instance_id=a.instance_id,
                        created=dates.local(a.created_at, tz),
                    )
                    for a in activations
                ],
                usage=(
                    f"{lic.usage_count} / {lic.usage_limit} runs used"
                    if lic is not None and lic.usage_limit is not None
                    else ""
                ),
                access_until=dates.local(purchase.current_period_end, tz, dates.DATE),
                versions=[
                    VersionDownload(
                        id=v.id,
                        version=v.version,
                        published=dates.local(v.published_at, tz, dates.DATE),
                        is_latest=v.is_latest,
                        downloads=counts.get(v.id, 0),
                    )
                    for v in versions
                ],
                variations=remixes.get(listing.id, []) if grants_access(purchase, now) else [],
            )
        )
    return entries, len(visible)


def key_for_owner(*, session: Session, user: User, purchase_id: int) -> str:
    """The license key of the user's own purchase, in clear; '' when there is none to show."""
    row = session.exec(
        select(License, Purchase.status)
        .join(Purchase, Purchase.id == License.purchase_id)
        .where(Purchase.id == purchase_id, Purchase.buyer_id == user.id)
    ).first()
    if row is None:
        return ""
    lic, status = row
    if licensing.effective_status(lic, status, datetime.now(UTC)) == "disabled":
        return ""
    return licensing.reveal_key(lic) or ""
