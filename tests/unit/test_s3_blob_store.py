"""The S3 blob store against a local S3-speaking server (moto) on 127.0.0.1."""

from __future__ import annotations

import boto3
import pytest

from vibecoder.infra.storage import BlobTooLarge, S3BlobStore


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def store(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="vibecoder-test")
    return S3BlobStore(bucket="vibecoder-test", client=client)


def test_put_is_content_addressed_and_streams_back(store):
    first = store.put_stream([b"hello ", b"world"])
    again = store.put_stream([b"hello world"])
    assert first.sha256 == again.sha256 and first.created and not again.created
    assert b"".join(store.open_stream(first.sha256)) == b"hello world"
    store.delete(first.sha256)
    assert not store.exists(first.sha256)


def test_oversized_put_stores_nothing(store):
    with pytest.raises(BlobTooLarge):
        store.put_stream([b"x" * 1024] * 10, max_bytes=4096)
    listed = store.client.list_objects_v2(Bucket=store.bucket)
    assert listed.get("KeyCount", 0) == 0
