"""Safe upload ingest with crafted archives: every attack refused, nothing half-stored."""

from __future__ import annotations

import io
import stat
import tracemalloc
import zipfile

import pytest

from vibecoder.domain.catalog.archive import (
    UploadLimits,
    UploadRejected,
    UploadSource,
    build_zip_stream,
    ingest_upload,
)
from vibecoder.infra.storage import LocalBlobStore

LIMITS = UploadLimits(
    max_upload_bytes=10 * 1024 * 1024,
    max_file_bytes=2 * 1024 * 1024,
    max_files=50,
    max_uncompressed_bytes=5 * 1024 * 1024,
    max_ratio=100,
)


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


def stored_blobs(store) -> list:
    return [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else []


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for entry in entries:
            if isinstance(entry, zipfile.ZipInfo):
                archive.writestr(entry, entry.comment or b"")
            else:
                name, data = entry
                archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def ingest(store, *sources, limits=LIMITS):
    return ingest_upload(
        sources=[UploadSource(name=n, stream=s) for n, s in sources], store=store, limits=limits
    )


def test_good_zip_is_unpacked_with_languages_and_binary_flags(store):
    upload = make_zip(
        [
            ("app/main.py", "print('hello')\n"),
            ("app/index.js", "console.log(1)\n"),
            ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
            ("__MACOSX/._main.py", "junk"),
        ]
    )
    result = ingest(store, ("code.zip", upload))
    by_path = {f.path: f for f in result.files}
    assert set(by_path) == {"app/main.py", "app/index.js", "logo.png"}
    assert by_path["app/main.py"].language == "python"
    assert by_path["app/index.js"].language == "javascript"
    assert by_path["logo.png"].is_binary and not by_path["app/main.py"].is_binary
    assert all(store.exists(f.sha256) for f in result.files)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../evil.py", "unsafe_path"),
        ("app/../../evil.py", "unsafe_path"),
        ("/etc/cron.d/evil", "unsafe_path"),
        ("C:\\Windows\\evil.dll", "unsafe_path"),
        ("..\\..\\evil.py", "unsafe_path"),
    ],
)
def test_path_traversal_is_refused_and_nothing_stored(store, name, code):
    upload = make_zip([("ok.py", "x = 1\n"), (name, "boom")])
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("code.zip", upload))
    assert err.value.code == code
    assert stored_blobs(store) == []


def test_symlink_entry_is_refused(store):
    link = zipfile.ZipInfo("innocent.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    link.comment = b"/etc/passwd"
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("code.zip", make_zip([("a.py", "x=1\n"), link])))
    assert err.value.code == "symlink"
    assert stored_blobs(store) == []


def test_high_ratio_bomb_is_refused(store):
    bomb = make_zip([("zeros.txt", b"\0" * (4 * 1024 * 1024))])
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("bomb.zip", bomb))
    assert err.value.code in ("zip_bomb", "file_too_large")
    assert stored_blobs(store) == []


def test_member_lying_about_its_size_is_stopped_while_reading(store):
    # Patch the headers to claim 10 bytes; the real content is 3 MB of zeros.
    buffer = make_zip([("liar.bin", b"\0" * (3 * 1024 * 1024))])
    raw = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        index = raw.find(signature)
        raw[index + offset : index + offset + 4] = (10).to_bytes(4, "little")
    limits = UploadLimits(10 * 2**20, 2 * 2**20, 50, 5 * 2**20, max_ratio=100_000)
    with pytest.raises(UploadRejected):
        ingest(store, ("liar.zip", io.BytesIO(bytes(raw))), limits=limits)
    assert stored_blobs(store) == []


def test_too_many_files_and_total_size(store):
    many = make_zip([(f"f{i}.txt", f"{i}\n") for i in range(60)])
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("many.zip", many))
    assert err.value.code == "too_many_files"
    big = [(f"chunk{i}.txt", f"{i:06d}\n" * 150_000) for i in range(6)]
    limits = UploadLimits(50 * 2**20, 2 * 2**20, 50, 4 * 2**20, max_ratio=10_000)
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("big.zip", make_zip(big)), limits=limits)
    assert err.value.code == "upload_too_large"
    assert stored_blobs(store) == []


def test_oversized_plain_file_duplicate_and_encrypted(store):
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("huge.bin", io.BytesIO(b"x" * (3 * 1024 * 1024))))
    assert err.value.code == "file_too_large"
    dup = make_zip([("a.py", "1"), ("./a.py", "2")])
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("dup.zip", dup))
    assert err.value.code == "duplicate_path"
    encrypted = bytearray(make_zip([("a.py", "secret")]).getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        index = encrypted.find(signature)
        encrypted[index + offset] |= 0x1
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("enc.zip", io.BytesIO(bytes(encrypted))))
    assert err.value.code == "encrypted"
    assert stored_blobs(store) == []


def test_not_a_zip_and_empty_zip(store):
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("fake.zip", io.BytesIO(b"this is text")))
    assert err.value.code == "not_a_zip"
    with pytest.raises(UploadRejected) as err:
        ingest(store, ("empty.zip", make_zip([])))
    assert err.value.code == "no_files"


def test_failed_ingest_keeps_blobs_shared_with_earlier_versions(store):
    first = ingest(store, ("a.py", io.BytesIO(b"shared = True\n")))
    with pytest.raises(UploadRejected):
        ingest(store, ("code.zip", make_zip([("a.py", "shared = True\n"), ("../x", "y")])))
    assert store.exists(first.files[0].sha256)


def test_content_addressing_dedupes(store):
    a = ingest(store, ("a.py", io.BytesIO(b"same\n")))
    b = ingest(store, ("b.py", io.BytesIO(b"same\n")))
    assert a.files[0].sha256 == b.files[0].sha256
    assert len(stored_blobs(store)) == 1


def test_streamed_zip_round_trips_with_bounded_memory(store, tmp_path):
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        for _ in range(50):
            handle.write(bytes(range(256)) * 4096)  # 1 MiB of varied bytes
    with big.open("rb") as handle:
        sha, size, _ = store.put_stream(iter(lambda: handle.read(65536), b""))
    small = ingest(store, ("readme.md", io.BytesIO(b"# hi\n"))).files[0]
    tracemalloc.start()
    out = tmp_path / "out.zip"
    with out.open("wb") as handle:
        for chunk in build_zip_stream([("data/big.bin", sha), ("readme.md", small.sha256)], store):
            handle.write(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"zip streaming peaked at {peak} bytes for a 50 MiB file"
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["data/big.bin", "readme.md"]
        assert archive.getinfo("data/big.bin").file_size == size == 50 * 1024 * 1024
        assert archive.read("readme.md") == b"# hi\n"
