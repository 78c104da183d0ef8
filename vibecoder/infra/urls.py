"""Public URLs without host assumptions.

Every URL the app hands out (checkout and onboarding returns, download, CSV, preview and zip
links) comes from a configured public URL (VIBECODER_APP_URL, VIBECODER_API_URL,
VIBECODER_PREVIEW_URL). When that URL's host is `localhost` (the development default and
prod-local's), it is replaced by the host the browser actually used, the same rule Reflex's
frontend applies to its websocket URL: so the app behaves the same opened at `localhost` or
`127.0.0.1`, and a buyer returning from checkout lands on the origin that holds their session.
A real domain is used as configured, whatever the request says (a Host header is not trusted).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from urllib.parse import urlsplit, urlunsplit

# Only these configured hosts follow the request; they all mean "this machine".
LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "::"})  # noqa: S104 - names, not a bind
# Only these request hosts are accepted as replacements (loopback): never a stranger's Host.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

_request_host: ContextVar[str | None] = ContextVar("vibecoder_request_host", default=None)


def host_of(origin_or_host: str | None) -> str | None:
    """The hostname in an Origin (`http://127.0.0.1:3000`) or Host (`127.0.0.1:3000`) value."""
    if not origin_or_host:
        return None
    value = origin_or_host if "//" in origin_or_host else f"//{origin_or_host}"
    try:
        return urlsplit(value).hostname
    except ValueError:
        return None


def localize(url: str, request_host: str | None) -> str:
    if not request_host or request_host not in LOOPBACK_HOSTS:
        return url
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS:
        return url
    host = (
        f"[{request_host}]"
        if ":" in request_host and not request_host.startswith("[")
        else request_host
    )
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def current_request_host() -> str | None:
    return _request_host.get()


def set_request_host(origin_or_host: str | None) -> None:
    """For the current event/request (a context variable: tasks and threads don't share it)."""
    _request_host.set(host_of(origin_or_host))


@contextlib.contextmanager
def serving(origin_or_host: str | None) -> Iterator[None]:
    token = _request_host.set(host_of(origin_or_host))
    try:
        yield
    finally:
        _request_host.reset(token)
