"""Who is calling: a bearer API key (with scopes) or the browser's session cookie (with CSRF).

Dependencies are plain `def`s, so FastAPI runs their database work in its threadpool, never on
the event loop. Every authenticated request is counted against its key's (or user's) limit, and
anonymous requests against their address.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from vibecoder.api.v1.problems import ApiProblem
from vibecoder.domain.accounts import api_keys, auth
from vibecoder.domain.accounts.api_keys import Principal
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RATE_WINDOW_SECONDS = 60
# Browsers cannot set this header on a cross-site form post, and a cross-origin fetch that sets
# it must pass the Origin check below as well.
CSRF_HEADER = "X-VibeCoder-CSRF"

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from the account page: `Authorization: Bearer vck_…`.",
)
cookie = APIKeyCookie(
    name=auth.SESSION_COOKIE,
    auto_error=False,
    scheme_name="SessionCookie",
    description=(
        "The browser's session. Unsafe methods also need the `X-VibeCoder-CSRF: 1` header "
        "and an Origin of this site."
    ),
)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _allowed_origins(request: Request) -> set[str]:
    settings = get_settings()
    own = {_origin_of(str(request.base_url))}
    return own | {
        *(_origin_of(url) for url in settings.app_origins),
        _origin_of(settings.public_url),
        _origin_of(settings.public_api_url),
    }


def check_csrf(request: Request) -> None:
    """A cookie-authenticated unsafe request must come from our own pages."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin") or _origin_of(request.headers.get("referer", ""))
    if request.headers.get(CSRF_HEADER) != "1" or _origin_of(origin) not in _allowed_origins(
        request
    ):
        raise ApiProblem(
            403,
            "csrf_failed",
            f"Cookie-authenticated changes need the {CSRF_HEADER}: 1 header and this site's "
            "Origin. Scripts should use an API key.",
        )


def _limit(subject: str, limit: int) -> None:
    api_keys.check_rate(subject=subject, limit=limit, window_seconds=RATE_WINDOW_SECONDS)


def _resolve(
    request: Request, token: HTTPAuthorizationCredentials | None, session_token: str | None
) -> Principal | None:
    settings = get_settings()
    ip = client_ip(request)
    principal: Principal | None = None
    if request.headers.get("authorization") is not None:
        # A bearer header that is present but wrong is an error, never a silent downgrade.
        key = token.credentials if token and token.scheme.lower() == "bearer" else None
        with session_scope() as session:
            principal = api_keys.authenticate(session=session, key=key, ip=ip)
        if principal is None:
            _limit(f"ip:{ip}", settings.api_requests_per_ip_per_minute)
            raise ApiProblem(
                401,
                "invalid_api_key",
                "This API key is unknown, revoked, or its account is suspended.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
    elif session_token:
        with session_scope() as session:
            user = auth.user_for_session(session=session, token=session_token)
        if user is not None:
            check_csrf(request)
            principal = api_keys.session_principal(user)
    if principal is None:
        _limit(f"ip:{ip}", settings.api_requests_per_ip_per_minute)
    else:
        _limit(principal.rate_subject, settings.api_requests_per_key_per_minute)
    return principal


def optional_caller(
    request: Request,
    token: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    session_token: Annotated[str | None, Security(cookie)] = None,
) -> Principal | None:
    return _resolve(request, token, session_token)


def require(scope: str):
    """A dependency: the caller, who must be signed in and hold `scope`."""

    def dependency(
        caller: Annotated[Principal | None, Depends(optional_caller)],
    ) -> Principal:
        if caller is None:
            raise ApiProblem(
                401,
                "unauthenticated",
                "Send an API key: Authorization: Bearer vck_…",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not caller.allows(scope):
            raise ApiProblem(
                403,
                "insufficient_scope",
                f"This API key lacks the `{scope}` scope; create a key that has it.",
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope" scope="{scope}"'},
            )
        return caller

    dependency.__name__ = f"require_{scope}"
    return dependency


Caller = Annotated[Principal | None, Depends(optional_caller)]
Reader = Annotated[Principal, Depends(require("read"))]
Purchaser = Annotated[Principal, Depends(require("purchase"))]
Seller = Annotated[Principal, Depends(require("sell"))]
Builder = Annotated[Principal, Depends(require("build"))]
SandboxUser = Annotated[Principal, Depends(require("sandbox"))]
