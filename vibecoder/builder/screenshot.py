"""A screenshot of a static site (a web listing's index.html and its files), for its cover.

Taken by the shadow renderer's browser (render.py: Debian's Chromium inside bubblewrap, no
network, none of the app's secrets in its environment), never a second launcher. The site is
loaded from memory: requests to its made-up origin are answered from the files given, every
other request is refused, so nothing leaves the machine and the page cannot tell where it runs.
A blank or failed render is reported, never returned as an image.
"""

from __future__ import annotations

import contextlib
import io
import logging
import posixpath
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from vibecoder.builder.render import ToolUnavailable, get_renderer

log = logging.getLogger(__name__)

# `.invalid` never resolves (RFC 2606): only the route below answers for it.
SITE_ORIGIN = "http://listing-site.invalid"
VIEWPORT = {"width": 1200, "height": 675}  # the cover's page size (domain/catalog/covers.py)
SETTLE_MS = 400  # web fonts, first animation frames
_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}

__all__ = ["Screenshot", "ToolUnavailable", "capture", "is_blank"]


@dataclass
class Screenshot:
    ok: bool
    png: bytes = b""
    error: str = ""
    seconds: float = 0.0


def is_blank(png: bytes) -> bool:
    """One colour edge to edge: the page showed nothing (or only a background)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        extrema = image.convert("RGB").getextrema()
    # RGB: one (low, high) pair per band.
    return all(low == high for low, high in extrema)  # type: ignore[misc]


def capture(files: dict[str, bytes], entry: str, *, timeout: float = 15.0) -> Screenshot:
    """Render `entry` of the site `files` (path -> bytes) and screenshot the first screen.
    ToolUnavailable when the browser itself cannot start or answer."""
    return get_renderer().run(
        lambda browser: _capture(browser, files, entry, timeout),
        timeout=timeout,
        on_page_failure=lambda exc: Screenshot(ok=False, error=f"renderer: {exc}"[:500]),
    )


def _capture(browser, files: dict[str, bytes], entry: str, timeout: float) -> Screenshot:
    started = time.perf_counter()
    context = browser.new_context(
        java_script_enabled=True, viewport=VIEWPORT, device_scale_factor=1
    )
    try:

        def answer(route) -> None:
            url = route.request.url
            if not url.startswith(SITE_ORIGIN + "/"):
                route.abort()  # the page must need nothing from anywhere else
                return
            path = unquote(urlsplit(url).path).lstrip("/")
            body = files.get(path)
            if body is None:
                route.fulfill(status=404, body=b"")
                return
            extension = posixpath.splitext(path)[1].lower()
            route.fulfill(
                status=200,
                body=body,
                content_type=_TYPES.get(extension, "application/octet-stream"),
            )

        context.route("**/*", answer)
        page = context.new_page()
        page.goto(f"{SITE_ORIGIN}/{quote(entry)}", wait_until="load", timeout=timeout * 1000)
        page.wait_for_timeout(SETTLE_MS)
        png = page.screenshot(type="png", timeout=timeout * 1000)
    finally:
        with contextlib.suppress(Exception):
            context.close()
    seconds = time.perf_counter() - started
    if is_blank(png):
        return Screenshot(ok=False, error="the page showed nothing", seconds=seconds)
    return Screenshot(ok=True, png=png, seconds=seconds)
