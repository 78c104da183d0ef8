"""Remix lineage: who may open a listing's code in the builder, what a derivative may be sold
under, and which listing a listing was remixed from.

Forking is open to whoever already holds the whole code: the seller, a buyer whose purchase
grants access now, and anyone for a free listing. Everyone else is told "not found", exactly as
for a listing that does not exist, so a paid listing's files cannot be probed through a fork.

Reselling a derivative is a license question, decided by the license the parent was forked
under (kept on the project's lineage row): the extended tier and the open licenses (SPDX MIT,
Apache-2.0) allow it; personal and commercial licenses do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import NotFound, PermissionDenied
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.catalog import LicenseType, Listing, ListingVersion, PricingModel
from vibecoder.models.remix import ListingLineage, ProjectLineage
from vibecoder.models.users import User

RESALE_LICENSES = {LicenseType.extended, LicenseType.mit, LicenseType.apache_2_0}
# How the listing page names a license (the SPDX id for the open ones).
LICENSE_NAMES = {
    LicenseType.personal: "personal",
    LicenseType.commercial: "commercial",
    LicenseType.extended: "extended",
    LicenseType.mit: "MIT",
    LicenseType.apache_2_0: "Apache-2.0",
}


def is_free(listing: Listing) -> bool:
    return listing.pricing_model == PricingModel.free or listing.price_cents == 0


def can_fork(session: Session, viewer: User | None, listing: Listing) -> bool:
    """The seller, a buyer with access now, or anyone signed in for a free, visible listing."""
    if viewer is None or not catalog.can_view(session, viewer, listing):
        return False
    if catalog.owns_listing(viewer, listing):
        return True
    if is_free(listing):
        return listing.status == "published"
    from vibecoder.domain.commerce.access import owned_purchase

    return owned_purchase(session=session, buyer_id=viewer.id, listing_id=listing.id) is not None


def fork_source(
    *, session: Session, viewer: User, listing_id: int, version_id: int | None = None
) -> tuple[Listing, ListingVersion]:
    """The listing and version `viewer` may open in the builder; anything else is not found.

    Without `version_id` it is the latest version; with it, one of the listing's published
    versions (a buyer's purchased one), or any of them for the seller."""
    listing = session.get(Listing, listing_id)
    if listing is None or not can_fork(session, viewer, listing):
        raise NotFound("listing_not_found", "This listing does not exist or is not available.")
    if version_id is None:
        version = catalog.latest_version(session=session, listing_id=listing.id)
    else:
        version = session.get(ListingVersion, version_id)
        if version is not None and (
            version.listing_id != listing.id
            or not (version.is_published or catalog.owns_listing(viewer, listing))
        ):
            version = None
    if version is None:
        raise NotFound("version_not_found", "This listing has no version to open.")
    return listing, version


def resale_refusal(license_type: str, parent_title: str) -> str:
    """Why a derivative of a listing under `license_type` cannot be sold; '' when it can."""
    if license_type in RESALE_LICENSES:
        return ""
    name = LICENSE_NAMES.get(license_type, license_type)
    return (
        f"“{parent_title}” was licensed to you under its {name} license, which does not allow "
        "selling derivatives. Only the extended license or an open license (MIT, Apache-2.0) "
        "allows reselling a remix."
    )


def project_lineage(session: Session, project_id: int) -> ProjectLineage | None:
    return session.get(ProjectLineage, project_id)


def check_resale(session: Session, project_id: int) -> ProjectLineage | None:
    """The project's lineage when it may be sold (None: not a remix); refused otherwise."""
    lineage = project_lineage(session, project_id)
    if lineage is None:
        return None
    parent = session.get(Listing, lineage.parent_listing_id) if lineage.parent_listing_id else None
    reason = resale_refusal(lineage.license_type, parent.title if parent else "The original")
    if reason:
        raise PermissionDenied("license_forbids_resale", reason)
    return lineage


def record_listing_parent(
    *, session: Session, listing_id: int, lineage: ProjectLineage
) -> ListingLineage:
    """The listing remembers the project's parent (once; a later sale of the project keeps it)."""
    row = session.get(ListingLineage, listing_id)
    if row is None:
        row = ListingLineage(
            listing_id=listing_id,
            parent_listing_id=lineage.parent_listing_id,
            parent_version_id=lineage.parent_version_id,
        )
        session.add(row)
        session.flush()
    return row


@dataclass(frozen=True)
class ParentLink:
    """What "Remixed from …" shows: the parent's title, its page and the version forked."""

    title: str
    slug: str
    version: str
    visible: bool  # the parent's page opens for this viewer (a link rather than plain text)


def _link(
    session: Session, viewer: User | None, listing_id: int | None, version_id: int | None
) -> ParentLink | None:
    parent = session.get(Listing, listing_id) if listing_id else None
    if parent is None:
        return None
    version = session.get(ListingVersion, version_id) if version_id else None
    return ParentLink(
        title=parent.title,
        slug=parent.slug,
        version=version.version if version else "",
        visible=catalog.can_view(session, viewer, parent),
    )


def listing_parent(session: Session, *, listing_id: int, viewer: User | None) -> ParentLink | None:
    row = session.get(ListingLineage, listing_id)
    if row is None:
        return None
    return _link(session, viewer, row.parent_listing_id, row.parent_version_id)


def project_parent(session: Session, *, project_id: int, viewer: User | None) -> ParentLink | None:
    row = session.get(ProjectLineage, project_id)
    if row is None:
        return None
    return _link(session, viewer, row.parent_listing_id, row.parent_version_id)


def record_remix_sale(
    session: Session, *, listing: Listing, buyer_id: int, reversal: bool = False
) -> None:
    """A sale of a remix counts on the parent seller's dashboard as a "remix sold" (no revenue:
    the money is the remixer's). A seller remixing their own listing is not counted twice.

    `reversal`: that sale was refunded or lost in a dispute, so it stops counting (an event of
    its own, like refunds: events are facts, and past days may be rolled up already)."""
    parent_id = session.exec(
        select(ListingLineage.parent_listing_id).where(ListingLineage.listing_id == listing.id)
    ).first()
    parent = session.get(Listing, parent_id) if parent_id else None
    if parent is None or parent.seller_id == listing.seller_id:
        return
    session.add(
        AnalyticsEvent(
            kind="remix_reversal" if reversal else "remix_sale",
            listing_id=parent.id,
            seller_id=parent.seller_id,
            user_id=buyer_id,
            amount_cents=0,
            currency=parent.currency,
        )
    )
