"""Metrics, request ids, JSON logs and Sentry, through the real HTTP API and real processes."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from starlette.testclient import TestClient

from tests.conftest import PROJECT_ROOT


def test_metrics_count_requests_by_route_and_show_queue_depths(services):
    from vibecoder.api import build_api
    from vibecoder.infra.redis_client import get_redis
    from workers.celery_app import app

    # A worker of this session may be consuming the queue: pause it (as an operator would) so
    # the two messages stay where the scrape can count them.
    app.control.cancel_consumer("sandbox", reply=True, timeout=2.0)
    get_redis().lpush("sandbox", "x", "y")
    try:
        with TestClient(build_api()) as client:
            assert client.get("/api/search", params={"q": "csv"}).status_code == 200
            assert client.get("/api/health/live").status_code == 200
            body = client.get("/metrics").text
    finally:
        get_redis().delete("sandbox")
        app.control.add_consumer("sandbox", reply=True, timeout=2.0)
    assert 'vibecoder_http_request_seconds_count{method="GET",route="search",status="200"}' in body
    assert 'route="live"' in body
    assert 'vibecoder_celery_queue_depth{queue="sandbox"} 2.0' in body


def test_queue_list_matches_the_celery_app(services):
    from vibecoder.cli import WORKER_QUEUES
    from vibecoder.infra.metrics import CELERY_QUEUES
    from workers.celery_app import app

    # Every queue the app routes to is scraped, and a worker started by the CLI consumes it.
    routed = {queue.name for queue in app.conf.task_queues}
    assert set(CELERY_QUEUES) == routed == set(WORKER_QUEUES.split(","))


def test_request_ids_are_echoed_or_made_up(services):
    from vibecoder.api import build_api

    with TestClient(build_api()) as client:
        given = client.get("/api/health/live", headers={"X-Request-ID": "abc-123"})
        assert given.headers["x-request-id"] == "abc-123"
        made = client.get("/api/health/live", headers={"X-Request-ID": "<script>"})
        assert made.headers["x-request-id"] != "<script>"
        assert len(made.headers["x-request-id"]) == 32


def test_json_logs_carry_the_request_id():
    code = (
        "import logging;"
        "from vibecoder.infra.observability import configure_logging, set_request_id;"
        "configure_logging('backend'); set_request_id('req-42');"
        "logging.getLogger('vibecoder.test').warning('hello %s', 'there')"
    )
    env = dict(os.environ, VIBECODER_LOG_FORMAT="json")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    record = json.loads(out.stderr.strip().splitlines()[-1])
    assert record["message"] == "hello there"
    assert record["request_id"] == "req-42"
    assert record["service"] == "backend" and record["level"] == "WARNING"


class _SentryFake(BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":  # the SDK compresses envelopes (gzip without brotli installed)
            body = gzip.decompress(body)
        _SentryFake.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_sentry_reports_to_the_configured_dsn_only():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentryFake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    code = (
        "import sentry_sdk;"
        "from vibecoder.infra.observability import init_sentry;"
        "print(init_sentry('worker'));"
        "sentry_sdk.capture_exception(RuntimeError('boom-from-test'));"
        "sentry_sdk.flush(5)"
    )
    try:
        env = dict(os.environ, SENTRY_DSN="")
        off = subprocess.run(
            [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )
        assert off.stdout.strip() == "False"
        assert _SentryFake.envelopes == []
        port = server.server_address[1]
        env["SENTRY_DSN"] = f"http://publickey@127.0.0.1:{port}/1"
        on = subprocess.run(
            [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )
        assert on.stdout.strip() == "True", on.stderr
        assert any(b"boom-from-test" in envelope for envelope in _SentryFake.envelopes)
    finally:
        server.shutdown()
