"""Listing cover images: validated and re-encoded by Pillow, content-addressed, served by hash."""

from __future__ import annotations

import io
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


# One decoded image may not exceed this many pixels (a decompression bomb is a small file that
# decodes to gigabytes); a 6000x6000 photo is 36 MP.
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
# The listing page shows covers at up to 1200x675 (16:9); cards scale the same file down.
PAGE_SIZE = (1200, 675)


def normalize_cover(data: bytes) -> bytes:
    """Validate with Pillow and re-encode as WebP at most PAGE_SIZE: any EXIF (camera, GPS) and
    other metadata is dropped, and what is served is pixels we wrote, never the upload."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    invalid = ValidationFailed(
        "invalid_image", "Covers must be PNG, JPEG or WebP images.", field="cover"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise invalid
            probe.verify()  # truncated or corrupt files fail here
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            # Keep the orientation the EXIF asked for.
            image: Image.Image = ImageOps.exif_transpose(opened)
            has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail(PAGE_SIZE, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "WEBP", quality=82, method=4)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise invalid from exc
    return out.getvalue()


def set_cover(*, session: Session, seller: User, listing_id: int, stream: BinaryIO) -> Listing:
    """Replace the listing's cover with a re-encoded copy of the upload. SVG is refused: it can
    carry scripts."""
    listing = catalog.get_own_listing(
        session=session, seller=seller, listing_id=listing_id, lock=True
    )
    data = stream.read(MAX_COVER_BYTES + 1)
    if len(data) > MAX_COVER_BYTES:
        raise ValidationFailed("image_too_large", "Covers are limited to 2 MB.", field="cover")
    if sniff(data[:16]) is None:
        raise ValidationFailed(
            "invalid_image", "Covers must be PNG, JPEG or WebP images.", field="cover"
        )
    encoded = normalize_cover(data)
    blob = storage.get_blob_store().put_stream(iter([encoded]), max_bytes=MAX_COVER_BYTES)
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


# Category colours of the generated demo covers (dark background, light accent).
_PALETTE = [
    ((30, 27, 75), (167, 139, 250)),
    ((12, 74, 110), (125, 211, 252)),
    ((20, 83, 45), (134, 239, 172)),
    ((124, 45, 18), (253, 186, 116)),
    ((80, 7, 36), (249, 168, 212)),
    ((39, 39, 42), (212, 212, 216)),
]


def generated_cover(*, title: str, category: str) -> bytes:
    """A simple title card (PNG) for demo listings that ship without artwork."""
    import textwrap
    import zlib

    from PIL import Image, ImageDraw, ImageFont

    background, accent = _PALETTE[zlib.crc32(category.encode()) % len(_PALETTE)]
    image = Image.new("RGB", PAGE_SIZE, background)
    draw = ImageDraw.Draw(image)
    for i in range(0, PAGE_SIZE[0], 40):  # a quiet diagonal texture
        draw.line([(i, 0), (i - 300, PAGE_SIZE[1])], fill=tuple(c + 8 for c in background))
    draw.rectangle([(0, 0), (16, PAGE_SIZE[1])], fill=accent)
    small, large = ImageFont.load_default(size=36), ImageFont.load_default(size=84)
    draw.text((80, 90), category.upper(), font=small, fill=accent)
    y = 170
    for line in textwrap.wrap(title, width=22)[:3]:
        draw.text((80, y), line, font=large, fill=(250, 250, 250))
        y += 110
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
