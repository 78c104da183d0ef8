"""Safe ingestion of uploaded files and zip archives into the blob store, and streamed zips out.

Zip members are never trusted: paths are normalised and must stay inside the project, symlink
and special entries are refused, and sizes are counted while decompressing (the header's sizes
can lie), so zip bombs stop at the limit instead of filling the disk. New blobs written during a
failed ingest are deleted: nothing is half-stored.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from vibecoder.domain.catalog.languages import SNIFF_BYTES, detect_language, is_binary
from vibecoder.domain.errors import ValidationFailed
from vibecoder.infra.storage import BlobStore, BlobTooLarge
from vibecoder.settings import get_settings

READ_CHUNK = 64 * 1024
MAX_PATH_LENGTH = 400
MAX_DEPTH = 20
IGNORED_PARTS = {"__MACOSX", ".DS_Store", "__pycache__", ".git"}


class UploadRejected(ValidationFailed):
    def __init__(self, code: str, message: str, *, path: str | None = None):
        super().__init__(code, message, field="files")
        self.path = path


@dataclass(frozen=True)
class UploadLimits:
    max_upload_bytes: int
    max_file_bytes: int
    max_files: int
    max_uncompressed_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> UploadLimits:
        s = get_settings()
        return cls(
            max_upload_bytes=s.max_upload_bytes,
            max_file_bytes=s.max_file_bytes,
            max_files=s.max_archive_files,
            max_uncompressed_bytes=s.max_uncompressed_bytes,
            max_ratio=s.max_compression_ratio,
        )


@dataclass(frozen=True)
class UploadSource:
    name: str
    stream: BinaryIO


@dataclass(frozen=True)
class IngestedFile:
    path: str
    sha256: str
    size: int
    language: str
    is_binary: bool


@dataclass
class IngestResult:
    files: list[IngestedFile] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def safe_path(raw: str, *, keep_directories: bool = True) -> str | None:
    """A normalised relative path inside the project, None for entries to skip, or an error."""
    if "\x00" in raw:
        raise UploadRejected("unsafe_path", "A file name contains a NUL byte.", path=raw)
    candidate = raw.replace("\\", "/")
    if candidate.startswith("/") or (len(candidate) > 1 and candidate[1] == ":"):
        raise UploadRejected("unsafe_path", f"Absolute path not allowed: {raw}", path=raw)
    parts = [p for p in candidate.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UploadRejected("unsafe_path", f"Path leaves the project: {raw}", path=raw)
    if not parts or any(p in IGNORED_PARTS for p in parts):
        return None
    if not keep_directories:
        parts = parts[-1:]
    if len(parts) > MAX_DEPTH or len("/".join(parts)) > MAX_PATH_LENGTH:
        raise UploadRejected("unsafe_path", f"Path too deep or too long: {raw[:80]}", path=raw)
    return str(PurePosixPath(*parts))


class _Ingest:
    def __init__(self, store: BlobStore, limits: UploadLimits):
        self.store = store
        self.limits = limits
        self.result = IngestResult()
        self.paths: set[str] = set()
        self.new_blobs: list[str] = []
        self.total = 0

    def add(self, path: str, chunks: Iterable[bytes]) -> None:
        if path in self.paths:
            raise UploadRejected("duplicate_path", f"The upload contains {path} twice.", path=path)
        if len(self.paths) >= self.limits.max_files:
            raise UploadRejected(
                "too_many_files", f"At most {self.limits.max_files} files per version."
            )
        head = bytearray()

        def counted() -> Iterator[bytes]:
            for chunk in chunks:
                self.total += len(chunk)
                if self.total > self.limits.max_uncompressed_bytes:
                    raise UploadRejected(
                        "upload_too_large",
                        f"The files add up to more than {self.limits.max_uncompressed_bytes:,} "
                        "bytes once unpacked.",
                    )
                if len(head) < SNIFF_BYTES:
                    head.extend(chunk[: SNIFF_BYTES - len(head)])
                yield chunk

        try:
            sha256, size, created = self.store.put_stream(
                counted(), max_bytes=self.limits.max_file_bytes
            )
        except BlobTooLarge as exc:
            raise UploadRejected(
                "file_too_large",
                f"{path} is larger than {self.limits.max_file_bytes:,} bytes.",
                path=path,
            ) from exc
        if created:
            self.new_blobs.append(sha256)
        self.paths.add(path)
        binary = is_binary(bytes(head))
        self.result.files.append(
            IngestedFile(
                path=path,
                sha256=sha256,
                size=size,
                language="binary" if binary else detect_language(path, bytes(head)),
                is_binary=binary,
            )
        )

    def rollback(self) -> None:
        # Only blobs this ingest created: content-addressed blobs are shared between versions.
        for sha256 in self.new_blobs:
            self.store.delete(sha256)


def _stream_chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(READ_CHUNK):
        yield chunk


def _is_zip(source: UploadSource) -> bool:
    if not source.name.lower().endswith(".zip"):
        return False
    position = source.stream.tell()
    magic = source.stream.read(4)
    source.stream.seek(position)
    if magic[:2] != b"PK":
        raise UploadRejected("not_a_zip", f"{source.name} is not a valid zip archive.")
    return True


def _ingest_zip(job: _Ingest, source: UploadSource) -> None:
    limits = job.limits
    try:
        archive = zipfile.ZipFile(source.stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRejected("not_a_zip", f"{source.name} is not a valid zip archive.") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_files * 2:
            raise UploadRejected("too_many_files", f"At most {limits.max_files} files per version.")
        for info in members:
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UploadRejected(
                    "symlink",
                    f"Symbolic links are not allowed: {info.filename}",
                    path=info.filename,
                )
            if info.is_dir():
                safe_path(info.filename)
                continue
            # Many zippers store only permission bits; a set file type must be a regular file.
            if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                raise UploadRejected(
                    "special_file",
                    f"Only regular files are allowed: {info.filename}",
                    path=info.filename,
                )
            if info.flag_bits & 0x1:
                raise UploadRejected(
                    "encrypted",
                    f"Encrypted entries are not supported: {info.filename}",
                    path=info.filename,
                )
            path = safe_path(info.filename)
            if path is None:
                continue
            if info.file_size > limits.max_file_bytes:
                raise UploadRejected(
                    "file_too_large",
                    f"{path} is larger than {limits.max_file_bytes:,} bytes.",
                    path=path,
                )
            if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
                raise UploadRejected(
                    "zip_bomb",
                    f"{path} is compressed suspiciously well (ratio over "
                    f"{limits.max_ratio}:1); refusing to unpack it.",
                    path=path,
                )

            def member_chunks(info=info, path=path) -> Iterator[bytes]:
                # Count real bytes: a header that lies about file_size cannot bypass the limits.
                produced = 0
                compressed = max(info.compress_size, 1)
                with archive.open(info) as member:
                    while chunk := member.read(READ_CHUNK):
                        produced += len(chunk)
                        if produced / compressed > limits.max_ratio and produced > 1024 * 1024:
                            raise UploadRejected(
                                "zip_bomb",
                                f"{path} expands far beyond its compressed size.",
                                path=path,
                            )
                        yield chunk

            try:
                job.add(path, member_chunks())
            except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
                raise UploadRejected(
                    "corrupt_zip", f"{path} could not be unpacked: {exc}", path=path
                ) from exc
            except RuntimeError as exc:
                raise UploadRejected("corrupt_zip", f"{path}: {exc}", path=path) from exc


def ingest_upload(
    *,
    sources: list[UploadSource],
    store: BlobStore,
    limits: UploadLimits,
    keep_directories: bool = True,
) -> IngestResult:
    """Store every uploaded file (zips unpacked); all or nothing."""
    if not sources:
        raise UploadRejected("no_files", "Choose a zip or one or more files.")
    job = _Ingest(store, limits)
    try:
        upload_bytes = 0
        for source in sources:
            source.stream.seek(0, io.SEEK_END)
            upload_bytes += source.stream.tell()
            source.stream.seek(0)
            if upload_bytes > limits.max_upload_bytes:
                raise UploadRejected(
                    "upload_too_large", f"Uploads are limited to {limits.max_upload_bytes:,} bytes."
                )
            if _is_zip(source):
                _ingest_zip(job, source)
            else:
                path = safe_path(source.name, keep_directories=keep_directories)
                if path is None:
                    continue
                job.add(path, _stream_chunks(source.stream))
        if not job.result.files:
            raise UploadRejected("no_files", "The upload contains no files.")
    except BaseException:
        job.rollback()
        raise
    return job.result


def build_zip_stream(
    files: Iterable[tuple[str, str]], store: BlobStore, *, root: str = ""
) -> Iterator[bytes]:
    """Stream a zip of (path, sha256) pairs chunk by chunk, never holding the archive in memory."""

    class _Sink(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()
            self.position = 0

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            self.buffer.extend(data)
            self.position += len(data)
            return len(data)

        def tell(self) -> int:
            return self.position

        def drain(self) -> bytes:
            data = bytes(self.buffer)
            self.buffer.clear()
            return data

    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, sha256 in files:
            name = f"{root}/{path}" if root else path
            with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as member:
                for chunk in store.open_stream(sha256):
                    member.write(chunk)
                    if len(sink.buffer) >= READ_CHUNK:
                        yield sink.drain()
            if sink.buffer:
                yield sink.drain()
    if sink.buffer:
        yield sink.drain()
