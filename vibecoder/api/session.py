"""POST /api/auth/signin, /api/auth/signup and /api/auth/signout: the only places that set or
clear the session cookie.

Plain HTML form posts, so the token travels only in a `Set-Cookie: HttpOnly` response header:
page JavaScript never sees it and it never enters Reflex state. Every post must come from the
app's own origin (login CSRF: a foreign page cannot sign a visitor into the attacker's
account). Credentials are checked off the event loop. A failure redirects back to the form
with a signed flash (the message and the email to refill).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from vibecoder.domain.accounts import auth
from vibecoder.errors import ServiceError
from vibecoder.infra import ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.infra.heavy import run_heavy
from vibecoder.infra.redis_client import get_redis
from vibecoder.settings import get_settings
from vibecoder.text_hygiene import has_control_chars

MAX_FORM_BYTES = 16 * 1024


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_origin_post(request: Request) -> bool:
    settings = get_settings()
    # The app under each loopback name it answers to in development (a form on
    # http://localhost:3000 posts to the API at 127.0.0.1 as well), and the API itself.
    allowed = {
        *(_origin(url) for url in settings.app_origins),
        _origin(settings.public_url),
        _origin(settings.public_api_url),
    }
    origin = request.headers.get("origin")
    if origin:
        return origin.lower() in allowed
    # No Origin (old browsers): fall back to Fetch Metadata; a cross-site post is refused.
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "same-site")


def set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_hours * 3600,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )


def clear_session_cookie(response: Response) -> None:
    settings = get_settings()
    response.delete_cookie(
        auth.SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )


def _back(page: str, *, flash: dict[str, str], next_path: str | None = None) -> Response:
    query = {"flash": auth.sign_flash(flash)}
    if next_path and next_path != "/":
        query["next"] = next_path
    url = f"{get_settings().public_url}{page}?{urlencode(query)}"
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


async def _form(request: Request) -> dict[str, str] | None:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return None
    form = await request.form(max_files=0, max_fields=20)
    values = {key: str(value) for key, value in form.items()}
    return values


def _refused() -> Response:
    return JSONResponse({"error": "forbidden"}, status_code=403)


def _invalid_input() -> Response:
    return JSONResponse(
        {"error": "invalid_input", "message": "The form was too large or had control characters."},
        status_code=400,
    )


def _sign_in(email: str, password: str, ip: str, user_agent: str | None) -> str:
    with session_scope() as session:
        user = auth.authenticate(
            session=session, redis_client=get_redis(), email=email, password=password, ip=ip
        )
        # A new token at every sign-in: a token planted before sign-in is worthless after.
        return auth.create_session(session=session, user=user, ip=ip, user_agent=user_agent)


def _old_hash(request: Request) -> str | None:
    token = request.cookies.get(auth.SESSION_COOKIE)
    return auth.token_hash(token) if token else None


def _revoke(hashed: str | None) -> None:
    if hashed:
        with session_scope() as session:
            auth.revoke_session_hash(session=session, hashed=hashed)


async def signin(request: Request) -> Response:
    if not _same_origin_post(request):
        return _refused()
    form = await _form(request)
    if form is None or any(has_control_chars(v) for v in form.values()):
        return _invalid_input()
    email = form.get("email", "").strip()[:320]
    next_path = auth.safe_next(form.get("next"))
    if not email or not form.get("password"):
        return _back(
            "/signin",
            flash={"error": "Enter your email and password.", "email": email},
            next_path=next_path,
        )
    ip = request.client.host if request.client else "unknown"
    try:
        # argon2 in the low-priority pool (infra/heavy.py): other users come first.
        token = await run_heavy(
            _sign_in, email, form["password"], ip, request.headers.get("user-agent")
        )
    except ServiceError as exc:
        return _back("/signin", flash={"error": exc.message, "email": email}, next_path=next_path)
    await run_in_threadpool(_revoke, _old_hash(request))
    response = RedirectResponse(
        get_settings().public_url + next_path,
        status_code=303,
        headers={"Cache-Control": "no-store"},
    )
    set_session_cookie(response, token)
    return response


def _sign_up(form: dict[str, str], ip: str, user_agent: str | None) -> str:
    from vibecoder.domain.accounts import email_links
    from vibecoder.domain.accounts.notifications import deliver

    with session_scope() as session:
        # Self-service accounts start unverified and get a verification link by mail.
        user, verification = email_links.sign_up(
            session=session,
            email=form.get("email", ""),
            username=form.get("username", "") or None,
            password=form.get("password", ""),
            seller=bool(form.get("sell")),
        )
        token = auth.create_session(session=session, user=user, ip=ip, user_agent=user_agent)
    # Mailed once the account is committed (this runs in the threadpool, off the loop).
    deliver(verification.message)
    return token


async def signup(request: Request) -> Response:
    if not _same_origin_post(request):
        return _refused()
    form = await _form(request)
    if form is None or any(has_control_chars(v) for v in form.values()):
        return _invalid_input()
    refill = {"email": form.get("email", "")[:320], "username": form.get("username", "")[:40]}
    if form.get("password", "") != form.get("password_confirm", ""):
        return _back(
            "/signup",
            flash={**refill, "field": "password", "error": "The two passwords do not match."},
        )
    ip = request.client.host if request.client else "unknown"
    try:
        ratelimit.check(
            "signup",
            ip,
            limit=f"{get_settings().signups_per_ip_per_hour}/hour",
            message="Too many sign-ups from your network. Try again later.",
        )
        token = await run_heavy(_sign_up, form, ip, request.headers.get("user-agent"))
    except ServiceError as exc:
        return _back("/signup", flash={**refill, "field": exc.field or "", "error": exc.message})
    await run_in_threadpool(_revoke, _old_hash(request))
    response = RedirectResponse(
        get_settings().public_url + "/account",
        status_code=303,
        headers={"Cache-Control": "no-store"},
    )
    set_session_cookie(response, token)
    return response


async def signout(request: Request) -> Response:
    """POST (the form) or GET (the navbar's redirect after the websocket revoked the session).

    A cross-site request only gets the redirect: nobody can sign a visitor out from elsewhere.
    """
    response = RedirectResponse(
        get_settings().public_url + "/", status_code=303, headers={"Cache-Control": "no-store"}
    )
    site = request.headers.get("sec-fetch-site", "same-origin")
    if request.method == "POST" and not _same_origin_post(request):
        return _refused()
    if request.method == "GET" and site not in ("same-origin", "same-site", "none"):
        return response
    await run_in_threadpool(_revoke, _old_hash(request))
    clear_session_cookie(response)
    return response
