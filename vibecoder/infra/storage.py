"""Content-addressed blob store: local directory by default, S3-compatible via settings.

Blobs are named by their SHA-256. A put streams chunks to a temporary object, hashes on the way,
and only then moves it to its final name, so a failed upload never leaves a partial blob and the
same content is stored once.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from vibecoder.settings import get_settings

CHUNK_SIZE = 1024 * 1024


class BlobTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"blob larger than {limit} bytes")
        self.limit = limit


class StoredBlob(NamedTuple):
    sha256: str
    size: int
    created: bool  # False when identical content was already stored


class BlobStore(Protocol):
    def put_stream(self, chunks: Iterable[bytes], *, max_bytes: int | None = None) -> StoredBlob:
        """Store the bytes (at most max_bytes, else BlobTooLarge) under their SHA-256."""

    def open_stream(self, sha256: str) -> Iterator[bytes]: ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None: ...


def _check_sha(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return sha256


class LocalBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        sha256 = _check_sha(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_stream(self, chunks: Iterable[bytes], *, max_bytes: int | None = None) -> StoredBlob:
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    handle.write(chunk)
            sha256 = digest.hexdigest()
            final = self._path(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            created = not final.exists()
            if created:
                os.replace(tmp_name, final)
            else:
                os.unlink(tmp_name)
            return StoredBlob(sha256, size, created)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def open_stream(self, sha256: str) -> Iterator[bytes]:
        with open(self._path(sha256), "rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)


class S3BlobStore:
    """Any S3-compatible service (AWS, MinIO, R2) through boto3."""

    def __init__(self, *, bucket: str, client: Any):  # a boto3 S3 client (untyped)
        self.bucket = bucket
        self.client = client

    @staticmethod
    def _key(sha256: str) -> str:
        sha256 = _check_sha(sha256)
        return f"blobs/{sha256[:2]}/{sha256}"

    def put_stream(self, chunks: Iterable[bytes], *, max_bytes: int | None = None) -> StoredBlob:
        # Hash first into a spooled temp file: S3 keys are the hash, known only at the end.
        digest = hashlib.sha256()
        size = 0
        with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK_SIZE) as spool:
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise BlobTooLarge(max_bytes)
                digest.update(chunk)
                spool.write(chunk)
            sha256 = digest.hexdigest()
            created = not self.exists(sha256)
            if created:
                spool.seek(0)
                self.client.upload_fileobj(spool, self.bucket, self._key(sha256))
        return StoredBlob(sha256, size, created)

    def open_stream(self, sha256: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        yield from body.iter_chunks(CHUNK_SIZE)

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
            return True
        except ClientError:
            return False

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))


def put_bytes(store: BlobStore, data: bytes) -> StoredBlob:
    return store.put_stream([data])


def read_bytes(store: BlobStore, sha256: str) -> bytes:
    return b"".join(store.open_stream(sha256))


@functools.lru_cache
def get_blob_store() -> BlobStore:
    settings = get_settings()
    if settings.blob_backend == "s3":
        import boto3

        if not settings.s3_bucket:
            raise RuntimeError("VIBECODER_BLOB_BACKEND=s3 needs VIBECODER_S3_BUCKET")
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key,
        )
        return S3BlobStore(bucket=settings.s3_bucket, client=client)
    return LocalBlobStore(settings.blob_dir)
