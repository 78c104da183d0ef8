"""Files of listing versions: upload → safe ingest → scan → version; publish re-scans blobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from sqlmodel import Session

from vibecoder.domain.catalog import archive, scanning
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import ValidationFailed
from vibecoder.infra import storage
from vibecoder.models.users import User

SCAN_MAX_BYTES_PER_FILE = 1024 * 1024


class BlockedBySecrets(ValidationFailed):
    def __init__(self, findings: list[dict]):
        super().__init__(
            "secrets_detected",
            "This version contains secrets or malicious code. Remove them, upload a new "
            "version, then publish.",
        )
        self.findings = findings


@dataclass
class UploadOutcome:
    version: str
    version_id: int
    file_count: int
    findings: list[dict] = field(default_factory=list)


def finding_rows(findings: list[scanning.Finding]) -> list[dict]:
    return [
        {"path": f.path, "line": f.line, "severity": f.severity, "message": f.message}
        for f in findings
    ]


def read_text(store: storage.BlobStore, sha256: str, max_bytes: int) -> tuple[str, bool]:
    """Up to max_bytes of a blob decoded as UTF-8; True when the blob was longer."""
    buffer = bytearray()
    truncated = False
    for chunk in store.open_stream(sha256):
        room = max_bytes - len(buffer)
        if len(chunk) > room:
            buffer.extend(chunk[:room])
            truncated = True
            break
        buffer.extend(chunk)
    return buffer.decode("utf-8", errors="replace"), truncated


def scan_version_files(
    *, session: Session, version_id: int, store: storage.BlobStore | None = None
) -> list[scanning.Finding]:
    store = store or storage.get_blob_store()
    texts = []
    for item in catalog.files_of(session=session, version_id=version_id):
        if item.is_binary:
            continue
        text, _ = read_text(store, item.sha256, SCAN_MAX_BYTES_PER_FILE)
        texts.append((item.path, text))
    return scanning.scan_files(texts)


def add_uploaded_version(
    *,
    session: Session,
    seller: User,
    listing_id: int,
    version: str,
    changelog: str,
    uploads: list[tuple[str, BinaryIO]],
    ai_metadata: dict | None = None,
) -> UploadOutcome:
    """Ingest uploaded files (zips are unpacked safely) into a new, unpublished version."""
    # Refused before the upload is unpacked and stored.
    require_plain_text(version=version, changelog=changelog, multiline={"changelog"})
    catalog.get_own_listing(session=session, seller=seller, listing_id=listing_id)
    store = storage.get_blob_store()
    result = archive.ingest_upload(
        sources=[archive.UploadSource(name=name, stream=stream) for name, stream in uploads],
        store=store,
        limits=archive.UploadLimits.from_settings(),
    )
    row = catalog.add_version(
        session=session,
        seller=seller,
        listing_id=listing_id,
        version=version,
        changelog=changelog,
        files=result.files,
        ai_metadata=ai_metadata,
    )
    findings = scan_version_files(session=session, version_id=row.id, store=store)
    return UploadOutcome(
        version=row.version,
        version_id=row.id,
        file_count=len(result.files),
        findings=finding_rows(findings),
    )


def publish_scanned_version(*, session: Session, seller: User, version_id: int) -> list[dict]:
    """Scan the stored files again (the server's truth, not the upload's) and publish."""
    findings = scan_version_files(session=session, version_id=version_id)
    blocking = [f for f in findings if f.severity == "blocking"]
    if blocking:
        raise BlockedBySecrets(finding_rows(findings))
    catalog.publish_version(
        session=session,
        seller=seller,
        version_id=version_id,
        scan=catalog.PublishCheck(blocking=[], warnings=[f.message for f in findings]),
    )
    # Every published version's own tests run in the sandbox: the "verified" badge.
    from vibecoder.domain.sandbox_runs.runs import request_test_run

    request_test_run(session=session, version_id=version_id)
    return finding_rows(findings)
