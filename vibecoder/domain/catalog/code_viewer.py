"""What the code viewer shows for one file: highlighted text, capped, with a notice when cut."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from vibecoder.domain.catalog import preview_files
from vibecoder.domain.catalog.detail import version_file
from vibecoder.domain.catalog.files import read_text
from vibecoder.domain.catalog.listings import has_purchased, owns_listing
from vibecoder.infra import storage
from vibecoder.models.catalog import Listing, ListingVersion, PricingModel
from vibecoder.models.users import Role, User
from vibecoder.settings import get_settings

# Names the highlighter (react-syntax-highlighter / Prism) knows for our detected languages.
HIGHLIGHT_NAMES = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "typescript",
    "jsx": "jsx",
    "tsx": "tsx",
    "html": "markup",
    "css": "css",
    "json": "json",
    "markdown": "markdown",
    "yaml": "yaml",
    "toml": "toml",
    "shell": "bash",
    "go": "go",
    "rust": "rust",
    "sql": "sql",
    "dockerfile": "docker",
}


@dataclass(frozen=True)
class CodeExcerpt:
    text: str
    language: str
    notice: str


# Paid code stays paid: before a purchase, a paid listing shows the files its seller marked
# as preview in full (by default README and docs; see preview_files.py) and only the head of
# every other file. The sandbox still runs everything.
PREVIEW_LINES = 40


def sees_whole_code(session: Session, viewer: User | None, listing: Listing) -> bool:
    if listing.pricing_model == PricingModel.free or listing.price_cents == 0:
        return True
    if viewer is not None and viewer.role == Role.admin:
        return True
    return owns_listing(viewer, listing) or has_purchased(session, viewer, listing)


def read_for_viewer(
    *, session: Session, version_id: int, path: str, viewer: User | None
) -> CodeExcerpt:
    """One file as `viewer` may see it (the policy is enforced here, not in the page)."""
    version = session.get(ListingVersion, version_id)
    listing = session.get(Listing, version.listing_id) if version else None
    if listing is None:
        return CodeExcerpt("", "text", "This file is not part of the version.")
    item = version_file(session=session, version_id=version_id, path=path)
    if item is None:
        return CodeExcerpt("", "text", "This file is not part of the version.")
    if item.is_binary:
        return CodeExcerpt("", "text", f"Binary file ({item.size:,} bytes) — not shown.")
    limit = get_settings().code_viewer_max_bytes
    text, truncated = read_text(storage.get_blob_store(), item.sha256, limit)
    notice = (
        f"Showing the first {limit // 1024} KB of {item.size / 1024:,.0f} KB. "
        "Buy or download to see the whole file."
        if truncated
        else ""
    )
    shown_in_full = preview_files.is_preview_file(path, listing.preview_files)
    if not shown_in_full and not sees_whole_code(session, viewer, listing):
        lines = text.splitlines(keepends=True)
        if len(lines) > PREVIEW_LINES or truncated:
            hidden = max(item.size - len("".join(lines[:PREVIEW_LINES]).encode()), 0)
            text = "".join(lines[:PREVIEW_LINES])
            notice = (
                f"Showing the first {PREVIEW_LINES} lines. Buy this listing to see the rest "
                f"({hidden:,} more bytes) — the files the seller marked as preview are shown "
                "in full."
            )
    return CodeExcerpt(text, HIGHLIGHT_NAMES.get(item.language, "text"), notice)
