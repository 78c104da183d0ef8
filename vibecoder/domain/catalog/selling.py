"""Selling through the API: the seller's own listings addressed by slug, versions from a zip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from sqlmodel import Session, select

from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import NotFound, ValidationFailed
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.users import User


def own_listing_id(*, session: Session, seller: User, slug: str) -> int:
    """The id of the seller's listing with this slug; another seller's is "not found"."""
    listing_id = session.exec(select(Listing.id).where(Listing.slug == slug[:200])).first()
    if listing_id is None:
        raise NotFound("listing_not_found", "This listing does not exist or is not yours.")
    # get_own_listing applies the ownership rule (sellers, and admins acting for them).
    listing = catalog.get_own_listing(session=session, seller=seller, listing_id=listing_id)
    assert listing.id is not None  # a stored row
    return listing.id


def create_listing(*, session: Session, seller: User, data) -> str:
    listing = catalog.create_listing(session=session, seller=seller, data=data)
    session.flush()
    return listing.slug


def update_listing(*, session: Session, seller: User, slug: str, data) -> None:
    listing_id = own_listing_id(session=session, seller=seller, slug=slug)
    catalog.update_listing(session=session, seller=seller, listing_id=listing_id, data=data)
    session.flush()


@dataclass(frozen=True)
class VersionUpload:
    version_id: int
    version: str
    file_count: int
    published: bool
    listing_status: str
    warnings: list[str]


def upload_version(
    *,
    session: Session,
    seller: User,
    slug: str,
    version: str,
    changelog: str,
    filename: str,
    stream: BinaryIO,
    publish: bool,
) -> VersionUpload:
    """Ingest a zip as a new version; when `publish`, scan, publish it, and publish a draft
    listing too. Any refusal (bad zip, secrets found, duplicate version) rolls it all back."""
    if not filename.lower().endswith(".zip"):
        raise ValidationFailed("not_a_zip", "Upload the code as one .zip archive.", field="file")
    listing_id = own_listing_id(session=session, seller=seller, slug=slug)
    outcome = listing_files.add_uploaded_version(
        session=session,
        seller=seller,
        listing_id=listing_id,
        version=version.strip(),
        changelog=changelog,
        uploads=[(filename[-200:], stream)],
    )
    warnings = [f["message"] for f in outcome.findings]
    status = session.get(Listing, listing_id).status
    if publish:
        listing_files.publish_scanned_version(
            session=session, seller=seller, version_id=outcome.version_id
        )
        if status == ListingStatus.draft:
            status = catalog.publish_listing(
                session=session, seller=seller, listing_id=listing_id
            ).status
    return VersionUpload(
        version_id=outcome.version_id,
        version=outcome.version,
        file_count=outcome.file_count,
        published=publish,
        listing_status=str(status),
        warnings=warnings,
    )
