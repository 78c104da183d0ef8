"""The security middleware on its own: headers, upload caps, websocket cookie rewrite."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from vibecoder.api.security import SecurityMiddleware
from vibecoder.domain.accounts import auth
from vibecoder.settings import get_settings


async def _upload(request: Request):
    body = await request.body()
    return JSONResponse({"received": len(body)})


async def _page(request: Request):
    return HTMLResponse("<html><head><script>window.x=1</script></head><body>hi</body></html>")


async def _echo_ws(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_json(
        {"cookie": websocket.headers.get("cookie"), "client": websocket.client.host}
    )
    await websocket.close()


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("VIBECODER_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    app = Starlette(
        routes=[
            Route("/_upload", _upload, methods=["POST"]),
            Route("/page", _page),
            WebSocketRoute("/_event", _echo_ws),
        ]
    )
    yield TestClient(SecurityMiddleware(app))
    monkeypatch.undo()
    get_settings.cache_clear()


def test_uploads_are_capped_before_they_are_read(client):
    cap = 1000 + 64 * 1024
    assert client.post("/_upload", content=b"x" * 500).json() == {"received": 500}
    assert client.post("/_upload", content=b"x" * (cap + 1)).status_code == 413

    def chunks():
        for _ in range(80):
            yield b"x" * 1024

    assert client.post("/_upload", content=chunks()).status_code == 413


def test_html_gets_the_page_csp_with_its_inline_script_hashed(client):
    response = client.get("/page")
    csp = response.headers["content-security-policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "'sha256-" in csp
        and "'unsafe-inline'" not in (csp.split("script-src", 1)[1].split(";", 1)[0])
    )
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_websocket_sees_only_the_session_hash(client):
    token = "raw-session-token-value"
    with client.websocket_connect(
        "/_event", headers={"cookie": f"other=1; {auth.SESSION_COOKIE}={token}"}
    ) as ws:
        seen = ws.receive_json()
    assert token not in seen["cookie"]
    assert seen["cookie"] == f"{auth.SESSION_HASH_COOKIE}={auth.token_hash(token)}"
    assert auth.session_hash_from_cookie_header(seen["cookie"]) == auth.token_hash(token)


def test_embedded_redis_refuses_clients_without_its_password(tmp_path):
    import redis

    from vibecoder.infra.embedded import EmbeddedRedis, free_port

    server = EmbeddedRedis(tmp_path / "redis")
    port = free_port()
    process = server.start(port)
    try:
        server.wait_ready()
        assert redis.Redis.from_url(server.url(port)).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=port).set("k", "v")
    finally:
        process.terminate()
        process.wait(timeout=10)
