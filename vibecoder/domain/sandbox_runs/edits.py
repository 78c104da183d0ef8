"""The editable sandbox: a visitor's edits to a listing version's files, kept in Redis only.

Edits belong to one visitor session (the browser's client token, stored only as an HMAC) and
one version, in one Redis hash (path → text) that expires `sandbox_edit_ttl_seconds` after
the last edit and is capped per file, in total and in files edited. Nothing reaches the
database or the blob store: a run queued by that visitor carries the edits to the worker,
which writes them over the version's files in the run's private copy (runs.py).

The code-viewer policy decides what is editable: a file the visitor sees in full (code_viewer.
read_for_viewer shows it without a notice) can be edited; a file cut for an unpaid visitor
stays read-only, and the run still uses the whole original.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

import redis
from sqlmodel import Session

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.code_viewer import read_for_viewer
from vibecoder.errors import NotFound, PermissionDenied, ValidationFailed
from vibecoder.infra import storage
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.users import User
from vibecoder.settings import get_settings

KEY = "vc:sandbox:edits:{owner}:{version_id}"
# C0 controls and DEL, except tab, newline and carriage return: NUL and friends never land.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class OpenFile:
    path: str
    text: str
    language: str  # the highlighter's name (python, javascript, …)
    editable: bool
    notice: str  # why it is read-only, or the code viewer's notice
    edited: bool


def _owner(visitor: str) -> str:
    if not visitor:
        raise ValidationFailed("no_session", "Reload the page to edit files in the sandbox.")
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"sandbox-edits:{visitor}".encode(), hashlib.sha256).hexdigest()[:40]


def _key(visitor: str, version_id: int) -> str:
    return KEY.format(owner=_owner(visitor), version_id=version_id)


def _version(session: Session, *, listing_id: int, viewer: User | None) -> ListingVersion:
    """The latest version of a listing the viewer can see; anything else is "not found"."""
    listing = session.get(Listing, listing_id)
    if listing is None or not catalog.can_view(session, viewer, listing):
        raise NotFound("listing_not_found", "This listing does not exist or is not available.")
    version = catalog.latest_version(session=session, listing_id=listing.id)
    if version is None:
        raise NotFound("no_version", "This listing has no published version.")
    return version


def _policy(session: Session, version_id: int, path: str, viewer: User | None):
    """(excerpt, editable, reason) of one file for this viewer."""
    excerpt = read_for_viewer(session=session, version_id=version_id, path=path, viewer=viewer)
    item = next(
        (f for f in catalog.files_of(session=session, version_id=version_id) if f.path == path),
        None,
    )
    if item is None:
        raise NotFound("file_not_found", "This file is not part of the version.")
    limit = get_settings().sandbox_edit_max_file_bytes
    if item.is_binary:
        return excerpt, False, "Binary files cannot be edited."
    if excerpt.notice:
        return excerpt, False, "Read-only: " + excerpt.notice
    if item.size > limit:
        return excerpt, False, f"Read-only: files over {limit // 1024} KB cannot be edited here."
    return excerpt, True, ""


def open_file(
    *,
    session: Session,
    redis_client: redis.Redis,
    listing_id: int,
    viewer: User | None,
    visitor: str,
    path: str,
) -> OpenFile:
    """One file as the visitor's editor shows it: their edit when there is one."""
    version = _version(session, listing_id=listing_id, viewer=viewer)
    excerpt, editable, reason = _policy(session, version.id, path, viewer)
    edit = redis_client.hget(_key(visitor, version.id), path) if editable else None
    return OpenFile(
        path=path,
        text=edit if edit is not None else excerpt.text,
        language=excerpt.language,
        editable=editable,
        notice=reason,
        edited=edit is not None,
    )


def save_edit(
    *,
    session: Session,
    redis_client: redis.Redis,
    listing_id: int,
    viewer: User | None,
    visitor: str,
    path: str,
    text: str,
) -> list[str]:
    """Keep the visitor's text of `path` (the original again drops the edit); returns the
    edited paths. Refused: read-only files, control characters, anything over the caps."""
    settings = get_settings()
    text = str(text)
    if CONTROL_CHARS.search(text):
        raise ValidationFailed(
            "control_characters", "The file contains control characters (such as NUL)."
        )
    size = len(text.encode())
    if size > settings.sandbox_edit_max_file_bytes:
        raise ValidationFailed(
            "edit_too_large",
            f"An edited file may hold at most {settings.sandbox_edit_max_file_bytes // 1024} KB.",
        )
    version = _version(session, listing_id=listing_id, viewer=viewer)
    excerpt, editable, reason = _policy(session, version.id, path, viewer)
    if not editable:
        raise PermissionDenied("read_only", reason)
    key = _key(visitor, version.id)
    original = storage.read_bytes(storage.get_blob_store(), _sha(session, version.id, path))
    if text.encode() == original:
        redis_client.hdel(key, path)
        return sorted(redis_client.hkeys(key))
    others = {p: len(t.encode()) for p, t in redis_client.hgetall(key).items() if p != path}
    if len(others) + 1 > settings.sandbox_edit_max_files:
        raise ValidationFailed(
            "too_many_edits", f"Edit at most {settings.sandbox_edit_max_files} files at a time."
        )
    if sum(others.values()) + size > settings.sandbox_edit_max_total_bytes:
        raise ValidationFailed(
            "edits_too_large",
            f"Your edits may hold at most {settings.sandbox_edit_max_total_bytes // 1024} KB; "
            "reset some files first.",
        )
    pipe = redis_client.pipeline()
    pipe.hset(key, path, text)
    pipe.expire(key, settings.sandbox_edit_ttl_seconds)
    pipe.hkeys(key)
    return sorted(pipe.execute()[-1])


def _sha(session: Session, version_id: int, path: str) -> str:
    item = next(
        f for f in catalog.files_of(session=session, version_id=version_id) if f.path == path
    )
    return item.sha256


def reset(
    *,
    session: Session,
    redis_client: redis.Redis,
    listing_id: int,
    viewer: User | None,
    visitor: str,
) -> None:
    """Forget every edit of the visitor to the listing's latest version."""
    version = _version(session, listing_id=listing_id, viewer=viewer)
    redis_client.delete(_key(visitor, version.id))


def edited_paths(
    *,
    session: Session,
    redis_client: redis.Redis,
    listing_id: int,
    viewer: User | None,
    visitor: str,
) -> list[str]:
    version = _version(session, listing_id=listing_id, viewer=viewer)
    return sorted(redis_client.hkeys(_key(visitor, version.id)))


def edits_for_run(
    *, session: Session, redis_client: redis.Redis, version_id: int, visitor: str
) -> dict[str, str]:
    """The visitor's edits of the version, for a run they queue (files of the version only)."""
    if not visitor:
        return {}
    edits = redis_client.hgetall(_key(visitor, version_id))
    if not edits:
        return {}
    paths = {
        f.path for f in catalog.files_of(session=session, version_id=version_id) if not f.is_binary
    }
    return {path: text for path, text in edits.items() if path in paths}


@dataclass(frozen=True)
class EditorFiles:
    listing_id: int  # 0: the viewer cannot see the listing (like a missing one)
    paths: list[str]
    default: str  # the file the editor opens first: the run's entry point


def editor_files(*, session: Session, slug: str, viewer: User | None) -> EditorFiles:
    """The latest version's text files, for the editor's file picker."""
    from vibecoder.domain.sandbox_runs.runs import runnable_files
    from vibecoder.errors import ServiceError

    try:
        listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
    except ServiceError:
        return EditorFiles(0, [], "")
    version = catalog.latest_version(session=session, listing_id=listing.id)
    if version is None:
        return EditorFiles(listing.id, [], "")
    paths = [
        f.path for f in catalog.files_of(session=session, version_id=version.id) if not f.is_binary
    ]
    runnable = runnable_files(session=session, version_id=version.id)
    default = listing.run_entry_point if listing.run_entry_point in runnable else ""
    default = default or (runnable[0] if runnable else (paths[0] if paths else ""))
    return EditorFiles(listing.id, paths, default)
