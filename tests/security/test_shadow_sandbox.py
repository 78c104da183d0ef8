"""The shadow renderer's Chromium: inside bubblewrap, no network, no app secrets in its env."""

from __future__ import annotations

import contextlib
import http.server
import os
import threading

import psutil

from vibecoder.builder.render import Renderer, page_html
from vibecoder.infra.embedded import free_port


class _Hits(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Hits.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _chromium_processes() -> list[psutil.Process]:
    found = []
    for proc in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "chromium" in " ".join(proc.cmdline()) and "bwrap" not in proc.name():
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_generated_code_cannot_reach_the_network_or_the_app_secrets(monkeypatch):
    monkeypatch.setenv("VIBECODER_SECRET_KEY", "app-secret-that-must-not-leak-123")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_must_not_leak")
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Hits)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    js = (
        f"fetch('http://127.0.0.1:{port}/fetch').catch(() => {{}});"
        f"new Image().src = 'http://127.0.0.1:{port}/img';"
        "document.getElementById('root').innerHTML = '<p>rendered</p>';"
    )
    # Another suite's browser (the e2e tests' Playwright) may already run under this process:
    # only the renderer's own Chromium is under test.
    before = {proc.pid for proc in _chromium_processes()}
    renderer = Renderer()
    try:
        result = renderer.render(page_html(js, "", "t"))
        assert result.ok, result.errors
        processes = [proc for proc in _chromium_processes() if proc.pid not in before]
        assert processes, "the renderer's Chromium is not running"
        own_net = os.readlink("/proc/self/ns/net")
        for proc in processes:
            try:
                env = proc.environ()
            except psutil.ZombieProcess:
                continue  # exited already (a renderer child): no environment left to read
            assert "VIBECODER_SECRET_KEY" not in env and "STRIPE_SECRET_KEY" not in env
            assert not any("must-not-leak" in v or "must_not_leak" in v for v in env.values())
            # Its own network namespace: the host's network does not exist in there.
            with contextlib.suppress(FileNotFoundError):  # it may exit meanwhile
                assert os.readlink(f"/proc/{proc.pid}/ns/net") != own_net
    finally:
        renderer.close()
        server.shutdown()
    assert _Hits.hits == []
