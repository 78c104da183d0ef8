"""Web listings: the page a version's files make (its `index.html`), shown two ways.

* Its screenshot becomes the listing's cover: publishing a new latest version queues
  `workers.covers.render_cover` (after commit), which renders the site in the builder's
  sandboxed Chromium and hands the image to covers.apply_screenshot.
* The "Live demo" tab: the site served from the preview origin (vibecoder/api/demo.py), only
  for a published listing's latest version, only while the seller offers it.

Only the site's own files are ever served: files under the entry's folder with a web
extension, tests excluded. The rest of a paid listing stays behind the code-viewer policy
(docs/security.md, "Live demos").
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from sqlmodel import Session, select

from vibecoder.domain.catalog import listings as catalog
from vibecoder.infra import dispatch, storage
from vibecoder.models.catalog import Listing, ListingStatus, ListingVersion, VersionFile
from vibecoder.text_hygiene import has_control_chars

# What a static site is made of, with the type each is served as (never guessed by the browser).
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".txt": "text/plain; charset=utf-8",
}
# A page never loads its own tests; they stay behind the code viewer.
_TEST_FILE = re.compile(r"(^|[._-])(test|spec)s?\.[a-z]+$", re.IGNORECASE)
# Folders a build puts the site in, preferred in this order when index.html is not at the top.
_SITE_DIRS = ("dist", "build", "public", "site", "www", "docs", "src")
# The screenshot loads the whole site into the renderer: keep that bounded.
MAX_SITE_FILES, MAX_SITE_BYTES = 200, 20 * 1024 * 1024
_PENDING_KEY = "vibecoder.pending_covers"


def web_entry(paths: list[str]) -> str | None:
    """The version's web page: a top-level index.html, else the shallowest one (a build folder
    such as dist/ first); None for a version that is not a web page."""
    found = [p for p in paths if p.rsplit("/", 1)[-1].lower() in ("index.html", "index.htm")]
    if not found:
        return None

    def rank(path: str) -> tuple[int, int, str]:
        top = path.split("/", 1)[0].lower()
        preferred = _SITE_DIRS.index(top) if "/" in path and top in _SITE_DIRS else len(_SITE_DIRS)
        return path.count("/"), preferred, path

    return min(found, key=rank)


def is_site_file(path: str, entry: str) -> bool:
    """Whether the demo may serve `path`: inside the entry's folder, a web type, not a test."""
    root = posixpath.dirname(entry)
    if root and not path.startswith(root + "/"):
        return False
    name = path.rsplit("/", 1)[-1]
    extension = posixpath.splitext(name)[1].lower()
    return extension in MEDIA_TYPES and not _TEST_FILE.search(name)


def safe_path(path: str) -> str | None:
    """A request path as a version file path, or None for anything but plain relative segments
    (no `..`, no absolute paths, no backslashes or control characters)."""
    if len(path) > 500 or "\\" in path or has_control_chars(path) or path.startswith("/"):
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


# --- the screenshot cover ----------------------------------------------------------------------


def request_screenshot(*, session: Session, listing_id: int, version_id: int) -> None:
    """Queue a screenshot cover of `version_id` once this transaction commits, if it is a web
    page; one per listing per transaction (an import publishing five versions renders one)."""
    paths = list(session.exec(select(VersionFile.path).where(VersionFile.version_id == version_id)))
    if web_entry(paths) is None:
        return
    pending: dict[int, int] = session.info.setdefault(_PENDING_KEY, {})
    first = listing_id not in pending
    pending[listing_id] = version_id
    if not first:
        return

    def enqueue() -> None:
        latest = pending.pop(listing_id, version_id)
        dispatch.send("workers.covers.render_cover", latest)

    from vibecoder.infra.deferred import after_commit

    after_commit(session, enqueue)


@dataclass(frozen=True)
class Site:
    entry: str
    files: dict[str, bytes]


def site_of(*, session: Session, version_id: int) -> Site | None:
    """The site of a published latest version, read for rendering; None when there is none (a
    newer version took over, the listing is gone, or the files are not a web page)."""
    version = session.get(ListingVersion, version_id)
    if version is None or not (version.is_latest and version.is_published):
        return None
    files = catalog.files_of(session=session, version_id=version_id)
    entry = web_entry([f.path for f in files])
    if entry is None:
        return None
    store, total = storage.get_blob_store(), 0
    loaded: dict[str, bytes] = {}
    for item in files:
        if not is_site_file(item.path, entry) or len(loaded) >= MAX_SITE_FILES:
            continue
        total += item.size
        if total > MAX_SITE_BYTES:
            break
        loaded[item.path] = storage.read_bytes(store, item.sha256)
    return Site(entry=entry, files=loaded) if entry in loaded else None


# --- the live demo -----------------------------------------------------------------------------


def demo_entry(*, session: Session, listing: Listing, version_id: int | None) -> str:
    """The entry path the "Live demo" tab opens, or "" when the listing offers none."""
    if version_id is None or listing.status != ListingStatus.published or not listing.live_demo:
        return ""
    paths = list(session.exec(select(VersionFile.path).where(VersionFile.version_id == version_id)))
    return web_entry(paths) or ""


def has_web_entry(*, session: Session, listing_id: int) -> bool:
    """Whether any version of the listing is a web page (the editor offers the demo switch)."""
    paths = session.exec(
        select(VersionFile.path)
        .join(ListingVersion, ListingVersion.id == VersionFile.version_id)
        .where(ListingVersion.listing_id == listing_id)
    )
    return web_entry(list(paths)) is not None


@dataclass(frozen=True)
class DemoFile:
    data: bytes
    media_type: str


def demo_file(*, session: Session, slug: str, path: str) -> DemoFile | None:
    """A file of the live demo, or None: the listing is missing, not published, taken down,
    has the demo switched off, or the path is not a file of its latest version's site."""
    if not catalog.SLUG_RE.match(slug):
        return None
    row = session.exec(
        select(ListingVersion.id)
        .join(Listing, Listing.id == ListingVersion.listing_id)
        .where(
            Listing.slug == slug,
            Listing.status == ListingStatus.published,
            Listing.live_demo.is_(True),
            ListingVersion.is_latest.is_(True),
            ListingVersion.is_published.is_(True),
        )
    ).first()
    if row is None:
        return None
    files = {f.path: f for f in catalog.files_of(session=session, version_id=row)}
    entry = web_entry(list(files))
    if entry is None:
        return None
    wanted = safe_path(path) if path else (entry if "/" not in entry else None)
    found = files.get(wanted) if wanted else None
    if found is None or not is_site_file(found.path, entry):
        return None
    media_type = MEDIA_TYPES[posixpath.splitext(found.path)[1].lower()]
    return DemoFile(storage.read_bytes(storage.get_blob_store(), found.sha256), media_type)
