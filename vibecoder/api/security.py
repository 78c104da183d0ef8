"""One ASGI middleware in front of everything the backend serves (API, websocket, previews).

* The real client address (trusted proxies only) replaces the socket peer in the ASGI scope,
  so every rate limit, Reflex's `router.session.client_ip` and the API routes see the same one.
* The Reflex websocket never sees the session token: the upgrade request's Cookie header is
  replaced by the token's SHA-256 alone (vibecoder/domain/accounts/auth.py explains why that
  is safe to keep in Reflex's state in Redis).
* Every HTTP response gets nosniff, a Referrer-Policy and a Content-Security-Policy
  (`default-src 'none'` for data, the page policy for HTML), unless the route set its own
  (previews, the test checkout page).
* Control characters in the query string are a 400 before any route reads them.
* /preview answers only on the preview origin, so generated code never runs in the app's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vibecoder.domain.accounts import auth
from vibecoder.infra.client_address import real_client_address
from vibecoder.settings import get_settings
from vibecoder.text_hygiene import has_control_chars
from vibecoder.urls import LOCAL_HOSTS

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_csp(inline_script_hashes: list[str] | None = None) -> str:
    """The policy of the app's own pages (also written into deploy/nginx.conf)."""
    settings = get_settings()
    api = _origin(settings.public_api_url)
    ws = api.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    preview = _origin(settings.public_preview_url)
    hashes = " ".join(inline_script_hashes or [])
    return "; ".join(
        [
            "default-src 'self'",
            # Reflex runs rx.call_script payloads through eval(): 'unsafe-eval' stays until no
            # page uses call_script. No 'unsafe-inline': user text never becomes markup anyway.
            f"script-src 'self' 'unsafe-eval' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {api} {ws}",
            f"frame-src {preview}",
            "frame-ancestors 'none'",
            f"form-action 'self' {api} https://checkout.stripe.com",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def script_hashes(body: bytes) -> list[str]:
    """CSP source expressions of a page's inline scripts."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(body)
        if m.group(1).strip()
    ]


def exported_page_hashes(www: Path) -> list[str]:
    """The inline-script hashes of every page of a static export (React Router's boot code).
    nginx serves those files itself (prod-local, the compose image), so no backend adds a
    policy with their hashes: the nginx policy has to name them."""
    hashes: list[str] = []
    for page in sorted(www.rglob("*.html")) if www.is_dir() else []:
        hashes += [h for h in script_hashes(page.read_bytes()) if h not in hashes]
    return hashes


def _rewrite_websocket_cookie(scope: Scope) -> Scope:
    """Keep only the session token's hash in the websocket's Cookie header."""
    headers = []
    hashed = None
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, token = part.strip().partition("=")
                if key == auth.SESSION_COOKIE and token:
                    hashed = auth.token_hash(token)
            continue
        headers.append((name, value))
    if hashed:
        headers.append((b"cookie", f"{auth.SESSION_HASH_COOKIE}={hashed}".encode()))
    return {**scope, "headers": headers}


def _with_real_client(scope: Scope) -> Scope:
    client = scope.get("client") or ("unknown", 0)
    forwarded = None
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
    address = real_client_address(client[0], forwarded)
    if address == client[0]:
        return scope
    return {**scope, "client": (address, client[1])}


def _preview_hosts() -> set[str]:
    """The Host values previews answer on. A configured preview origin on a `localhost` host
    (development, prod-local) answers under every loopback name, as the app does (the page links
    to the loopback name it was not opened at: urls.py and settings.public_preview_url)."""
    settings = get_settings()
    loopback = ("localhost", "127.0.0.1", "[::1]")
    if not settings.preview_url:
        return {f"{host}:{settings.backend_port}" for host in loopback}
    parts = urlsplit(settings.preview_url)
    hosts = {parts.netloc.lower()}
    if parts.hostname in LOCAL_HOSTS:
        hosts |= {f"{host}:{parts.port}" if parts.port else host for host in loopback}
    return hosts


def _carries_session(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"cookie" and any(
            part.strip().startswith(auth.SESSION_COOKIE + "=")
            for part in value.decode("latin-1").split(";")
        ):
            return True
    return False


def _is_preview_host(scope: Scope) -> bool:
    host = ""
    for name, value in scope.get("headers", []):
        if name == b"host":
            host = value.decode("latin-1").lower()
    return host in _preview_hosts()


async def _send_json(send: Send, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"content-security-policy", API_CSP.encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope = _rewrite_websocket_cookie(_with_real_client(scope))
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = _with_real_client(scope)
        path: str = scope.get("path", "")
        query = scope.get("query_string", b"").decode("latin-1")
        if query and any(
            has_control_chars(k) or has_control_chars(v)
            for k, v in parse_qsl(query, keep_blank_values=True)
        ):
            await _send_json(
                send,
                400,
                {"error": "invalid_characters", "message": "Control characters are not allowed."},
            )
            return
        if path.startswith("/preview/") and (
            not _is_preview_host(scope)
            or (not get_settings().preview_url and _carries_session(scope))
        ):
            # Opened on the app's (or the API's) origin: it does not exist there. Without a
            # configured preview origin (development) previews answer on the backend's port
            # under every loopback name (the app may be opened at either); the one the app's
            # session cookie is sent to is the app's own site, so not there. A configured
            # preview origin (prod-local: another port of the same host, which the cookie
            # also reaches) is told apart by its port instead.
            await _send_json(send, 404, {"error": "not_found"})
            return
        if path.endswith("/_upload"):
            # Reflex's upload endpoint parses the whole multipart body: refuse a too-large
            # upload from its Content-Length, and cut off a chunked one as it passes the cap.
            cap = get_settings().max_upload_bytes + 64 * 1024  # multipart framing
            declared = _header(scope, b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > cap):
                await _send_json(send, 413, _TOO_LARGE)
                return
            await _capped_call(self.app, scope, receive, _HeaderAdder(send), send, cap)
            return
        await self.app(scope, receive, _HeaderAdder(send))


_TOO_LARGE = {"error": "payload_too_large", "message": "The upload is too large."}


class _BodyTooLarge(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def _capped_call(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, raw_send: Send, cap: int
) -> None:
    """Run `app`, stopping its body read past `cap`; then whatever it answers is replaced
    by one 413 (its error handlers may already have tried to send a 500)."""
    seen = 0
    over = False

    async def capped_receive() -> Message:
        nonlocal seen, over
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                over = True
                raise _BodyTooLarge
        return message

    async def guarded_send(message: Message) -> None:
        if not over:
            await send(message)

    try:
        await app(scope, capped_receive, guarded_send)
    except Exception:
        if not over:
            raise
    if over:
        await _send_json(raw_send, 413, _TOO_LARGE)


class _HeaderAdder:
    """Adds the default headers; HTML without its own CSP is buffered to hash inline scripts."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers.setdefault("x-content-type-options", "nosniff")
            headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
            headers.setdefault("cross-origin-opener-policy", "same-origin")
            if "content-security-policy" not in headers:
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("x-frame-options", "DENY")
                    self.start = message
                    return
                headers["content-security-policy"] = API_CSP
            await self.send(message)
            return
        if self.start is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = b"".join(self.chunks)
        headers = MutableHeaders(scope=self.start)
        headers["content-security-policy"] = page_csp(script_hashes(body))
        if "content-length" in headers:
            headers["content-length"] = str(len(body))
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": body})
