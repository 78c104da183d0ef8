"""The dummy gateway's checkout page: a plain HTML form, clearly marked TEST PAYMENTS.

GET shows the order and a card form; POST charges a Stripe-style test card. Approval emits the
same internal events a Stripe webhook would and redirects to the library, where fulfilment
(in Celery) shows up within moments.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from vibecoder.domain.accounts import api_keys, auth
from vibecoder.domain.commerce import checkout
from vibecoder.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings

_STYLE = """
body{font-family:system-ui,sans-serif;background:#111;color:#eee;margin:0}
.banner{background:#b45309;color:#fff;text-align:center;padding:10px;font-weight:700;
letter-spacing:.05em}
main{max-width:440px;margin:32px auto;padding:24px;background:#1c1c1f;border-radius:12px}
label{display:block;margin-top:14px;font-size:14px;color:#bbb}
input{width:100%;box-sizing:border-box;padding:10px;margin-top:4px;border-radius:6px;
border:1px solid #444;background:#0d0d0f;color:#eee;font-size:16px}
.row{display:flex;gap:12px}.row>div{flex:1}
button{margin-top:20px;width:100%;padding:12px;border:0;border-radius:8px;background:#7c3aed;
color:#fff;font-size:16px;font-weight:600;cursor:pointer}
.error{background:#7f1d1d;padding:10px;border-radius:6px;margin-top:14px}
.cards{font-size:13px;color:#aaa;margin-top:18px;line-height:1.6}
a{color:#a78bfa}
"""


def _headers() -> dict[str, str]:
    # form-action also governs where the form's answer redirects: a paid checkout lands on the
    # app's library, another origin than this page's in dev and behind some proxies.
    origins = " ".join(get_settings().app_origins)
    return {
        "Content-Security-Policy": (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
            f"base-uri 'none'; form-action 'self' {origins}"
        ),
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }


def _page(body: str, status: int = 200) -> HTMLResponse:
    html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>TEST checkout · VibeCoder</title><style>{_STYLE}</style></head><body>"
        "<div class=banner id=test-banner>TEST PAYMENTS — no real money moves</div>"
        f"<main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=_headers())


def _buyer_id(session, request: Request) -> int | None:
    """Who pays: the signed-in browser, or a program holding the buyer's API key with the
    `purchase` scope (the checkout URL the API returned, posted with the same header)."""
    user = auth.user_for_session(session=session, token=request.cookies.get(auth.SESSION_COOKIE))
    if user is not None:
        return user.id
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    principal = api_keys.authenticate(session=session, key=key.strip())
    return principal.user.id if principal and principal.allows("purchase") else None


def _view(session_ref: str, request: Request) -> checkout.DummyCheckoutView:
    with session_scope() as session:
        return checkout.dummy_checkout_view(
            session=session, session_ref=session_ref, buyer_id=_buyer_id(session, request)
        )


def _form(view: checkout.DummyCheckoutView, error: str = "") -> str:
    notice = f"<div class=error role=alert id=card-error>{escape(error)}</div>" if error else ""
    return f"""
<h1 style="margin-top:0">Pay {escape(view.amount)}</h1>
<p>{escape(view.listing_title)}<br><small>{escape(view.buyer_email)}</small></p>
{notice}
<form method=post>
  <label for=card-number>Card number</label>
  <input id=card-number name=card_number inputmode=numeric autocomplete=off
         placeholder="4242 4242 4242 4242" required>
  <div class=row>
    <div><label for=card-expiry>Expiry</label>
      <input id=card-expiry name=expiry placeholder="12 / 34" autocomplete=off></div>
    <div><label for=card-cvc>CVC</label>
      <input id=card-cvc name=cvc placeholder="123" autocomplete=off></div>
  </div>
  <button type=submit id=pay-button>Pay {escape(view.amount)} (test)</button>
</form>
<div class=cards>Test cards: 4242 4242 4242 4242 succeeds · 4000 0000 0000 0002 is declined ·
4000 0000 0000 9995 has insufficient funds. Any future expiry and any CVC.</div>
<p><a href="{escape(view.cancel_url, quote=True)}">Cancel and go back</a></p>
"""


def _closed(view: checkout.DummyCheckoutView) -> str:
    if view.status == "completed":
        return (
            "<h1>Paid</h1><p>This order is paid.</p>"
            f"<p><a href='{escape(view.success_url, quote=True)}'>Go to your library</a></p>"
        )
    back = escape(view.cancel_url, quote=True)
    return (
        "<h1>Checkout closed</h1><p>This checkout expired or failed. Start again from the "
        f"listing.</p><p><a href='{back}'>Back to the listing</a></p>"
    )


async def dummy_checkout_page(request: Request) -> Response:
    session_ref = request.path_params["session_ref"]
    try:
        view = await run_in_threadpool(_view, session_ref, request)
    except ServiceError:
        return _page("<h1>Checkout not found</h1>", status=404)
    if view.status != "open":
        return _page(_closed(view))
    return _page(_form(view))


def _pay(session_ref: str, card_number: str, request: Request) -> checkout.DummyPayment:
    with session_scope() as session:
        return checkout.pay_dummy_checkout(
            session=session,
            session_ref=session_ref,
            card_number=card_number,
            buyer_id=_buyer_id(session, request),
        )


async def dummy_checkout_pay(request: Request) -> Response:
    session_ref = request.path_params["session_ref"]
    form = await request.form()
    card = str(form.get("card_number", ""))[:40]
    try:
        result = await run_in_threadpool(_pay, session_ref, card, request)
        view = await run_in_threadpool(_view, session_ref, request)
    except ServiceError:
        return _page("<h1>Checkout not found</h1>", status=404)
    if result.approved and result.redirect_url:
        return RedirectResponse(result.redirect_url, status_code=303)
    if view.status != "open":
        return _page(_closed(view), status=410)
    return _page(_form(view, result.message), status=402)
