"""Downloads through short-lived signed URLs, bound to one user and one purchase.

A link is `/api/downloads/<purchase>/<version>?u=<user>&exp=<unix>&sig=<hmac>`: HMAC-SHA256 with
a key derived from the server secret, valid for `download_url_ttl_seconds` (10 minutes). Only
the buyer gets a link (checked before signing), and when it is used the purchase is checked
again: a refund in between closes the door. The zip is streamed member by member, never built
whole in memory, and every use is counted.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from vibecoder.domain.catalog import archive
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce.access import grants_access
from vibecoder.domain.errors import NotFound, PermissionDenied
from vibecoder.infra import storage
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.commerce import DownloadCount, Purchase
from vibecoder.models.users import User
from vibecoder.settings import get_settings


def _key() -> bytes:
    root = get_settings().secret_key.encode()
    return hmac.new(root, b"vibecoder:downloads:v1", hashlib.sha256).digest()


def _signature(user_id: int, purchase_id: int, version_id: int, expires: int) -> str:
    message = f"{user_id}:{purchase_id}:{version_id}:{expires}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _downloadable(
    session: Session, *, user_id: int, purchase_id: int, version_id: int
) -> tuple[Purchase, Listing, ListingVersion]:
    purchase = session.get(Purchase, purchase_id)
    # Someone else's purchase is indistinguishable from a missing one (no IDOR oracle).
    if purchase is None or purchase.buyer_id != user_id:
        raise NotFound("purchase_not_found", "No such purchase.")
    if not grants_access(purchase):
        raise PermissionDenied(
            "purchase_inactive",
            "This purchase no longer gives access to downloads "
            f"({'subscription ended' if purchase.status == 'paid' else purchase.status}).",
        )
    version = session.get(ListingVersion, version_id)
    if version is None or version.listing_id != purchase.listing_id or not version.is_published:
        raise NotFound("version_not_found", "No such version.")
    listing = session.get(Listing, purchase.listing_id)
    assert listing is not None
    return purchase, listing, version


def create_link(
    *, session: Session, user: User, purchase_id: int, version_id: int, now: float | None = None
) -> str:
    """A signed URL for the buyer's own purchase; valid for the configured TTL."""
    _downloadable(session, user_id=user.id, purchase_id=purchase_id, version_id=version_id)
    settings = get_settings()
    expires = int((now or time.time()) + settings.download_url_ttl_seconds)
    query = urlencode(
        {
            "u": user.id,
            "exp": expires,
            "sig": _signature(user.id, purchase_id, version_id, expires),
        }
    )
    return f"{settings.public_api_url}/api/downloads/{purchase_id}/{version_id}?{query}"


def check_signature(
    *, user_id: int, purchase_id: int, version_id: int, expires: int, signature: str, now: float
) -> None:
    expected = _signature(user_id, purchase_id, version_id, expires)
    if not hmac.compare_digest(expected, signature or ""):
        raise PermissionDenied("invalid_signature", "This download link is not valid.")
    if expires < now:
        raise PermissionDenied("link_expired", "This download link has expired; get a new one.")


@dataclass(frozen=True)
class Download:
    filename: str
    files: list[tuple[str, str]]  # (path, sha256)
    total_bytes: int

    def stream(self, store: storage.BlobStore | None = None) -> Iterator[bytes]:
        return archive.build_zip_stream(
            self.files, store or storage.get_blob_store(), root=self.filename.removesuffix(".zip")
        )


def open_download(
    *,
    session: Session,
    user_id: int,
    purchase_id: int,
    version_id: int,
    expires: int,
    signature: str,
    now: float | None = None,
) -> Download:
    """Verify a signed link, re-check the purchase, count the download, list the files."""
    check_signature(
        user_id=user_id,
        purchase_id=purchase_id,
        version_id=version_id,
        expires=expires,
        signature=signature,
        now=now or time.time(),
    )
    user = session.get(User, user_id)
    if user is None or user.is_suspended:
        raise PermissionDenied("account_suspended", "This account cannot download.")
    purchase, listing, version = _downloadable(
        session, user_id=user_id, purchase_id=purchase_id, version_id=version_id
    )
    files = catalog.files_of(session=session, version_id=version.id)
    at = datetime.now(UTC)
    session.exec(
        insert(DownloadCount)
        .values(
            purchase_id=purchase.id,
            version_id=version.id,
            count=1,
            first_downloaded_at=at,
            last_downloaded_at=at,
        )
        .on_conflict_do_update(
            index_elements=["purchase_id", "version_id"],
            set_={"count": DownloadCount.count + 1, "last_downloaded_at": at},
        )
    )
    return Download(
        filename=f"{listing.slug}-{version.version}.zip",
        files=[(f.path, f.sha256) for f in files],
        total_bytes=sum(f.size for f in files),
    )


def download_counts(*, session: Session, purchase_id: int) -> dict[int, int]:
    return {
        row.version_id: row.count
        for row in session.exec(
            select(DownloadCount).where(DownloadCount.purchase_id == purchase_id)
        )
    }
