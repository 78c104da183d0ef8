"""Listing cover images: sniffed by magic bytes, size-limited, content-addressed, served by hash."""

from __future__ import annotations

from typing import BinaryIO

from sqlmodel import Session, select

from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import ValidationFailed
from vibecoder.infra import storage
from vibecoder.models.catalog import Listing
from vibecoder.models.users import User

MAX_COVER_BYTES = 2 * 1024 * 1024
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def sniff(head: bytes) -> str | None:
    for magic, mime in SIGNATURES.items():
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def set_cover(*, session: Session, seller: User, listing_id: int, stream: BinaryIO) -> Listing:
    """Replace the listing's cover. SVG is refused: it can carry scripts."""
    listing = catalog.get_own_listing(
        session=session, seller=seller, listing_id=listing_id, lock=True
    )
    head = stream.read(16)
    if sniff(head) is None:
        raise ValidationFailed(
            "invalid_image", "Covers must be PNG, JPEG, GIF or WebP images.", field="cover"
        )
    stream.seek(0)
    try:
        blob = storage.get_blob_store().put_stream(
            iter(lambda: stream.read(64 * 1024), b""), max_bytes=MAX_COVER_BYTES
        )
    except storage.BlobTooLarge as exc:
        raise ValidationFailed(
            "image_too_large", "Covers are limited to 2 MB.", field="cover"
        ) from exc
    listing.cover_image_sha = blob.sha256
    session.add(listing)
    session.flush()
    return listing


def cover_for_serving(*, session: Session, sha256: str) -> tuple[bytes, str] | None:
    """The image bytes and type, only for covers a visible listing uses (blobs are not a CDN)."""
    if len(sha256) != 64:
        return None
    used = session.exec(
        select(Listing.id).where(Listing.cover_image_sha == sha256, Listing.status == "published")
    ).first()
    if used is None:
        return None
    data = storage.read_bytes(storage.get_blob_store(), sha256)
    mime = sniff(data[:16])
    return (data, mime) if mime else None
