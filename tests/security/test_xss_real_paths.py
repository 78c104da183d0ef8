"""The XSS corpus saved the way users save text, then read by someone else in Chromium.

The JSONL importer writes the bulk of the corpus into every listing and version field (title,
summary, description, changelog, AI provenance prompts); the UI forms, driven by Playwright,
write the fields only the UI writes: a review, the seller's reply, the seller's profile, a
report, a builder prompt. A free claim puts the listing's title into a receipt notification.
Then other people load every page that shows that text: no dialog, no title change, no request
to the loopback listener, no injected element. (test_browser_security.py writes the corpus
past the save-time cleaning with SQL, to prove the renderer on its own.)
"""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from tests.e2e.conftest import ARTIFACTS, sign_in, wait_for_app
from tests.security.test_browser_security import _Listener, listener, payloads  # noqa: F401
from vibecoder.domain.accounts import auth
from vibecoder.models.builder import BuilderMessage
from vibecoder.models.catalog import Listing
from vibecoder.models.users import Role

pytestmark = pytest.mark.timeout(1200)
expect.set_options(timeout=60_000)
PASSWORD = "indigo-harbour-2026"
TITLE_PAYLOAD = "<img src=x onerror=alert(1)> Title"
NAME_PAYLOAD = "<svg onload=alert(1)>Eve"

# Every element a payload could smuggle in; none belongs inside user text.
INJECTED = """(listen) => {
    const found = [];
    const tags = 'script,iframe,frame,form,style,object,embed,link,base,meta,svg,math,img,video,'
        + 'audio,details,input,marquee,template,table,x,isindex';
    for (const root of document.querySelectorAll('.user-markdown')) {
        for (const el of root.querySelectorAll(tags)) found.push('markdown > ' + el.tagName);
    }
    for (const el of document.querySelectorAll('style')) {
        if (el.textContent.includes(listen)) found.push('STYLE with the listener');
    }
    // Anywhere on the page: an inline handler (React never writes one), a javascript:/data:
    // link, a srcdoc, or an attribute that loads or navigates pointing at the listener exists
    // only if a payload became markup. (The markdown image placeholder is a <span> that keeps
    // the image's src as an inert attribute: a span loads nothing. An http(s) link is allowed
    // user content, markdown autolinks included: it requests nothing until clicked.)
    const loads = {LINK: 'href', BASE: 'href', IMG: 'src',
        IFRAME: 'src', FRAME: 'src', SCRIPT: 'src', EMBED: 'src', SOURCE: 'src', VIDEO: 'src',
        AUDIO: 'src', INPUT: 'src', FORM: 'action', BUTTON: 'formaction', OBJECT: 'data'};
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const value = attr.value.trim().toLowerCase();
            if (attr.name.startsWith('on')) found.push(el.tagName + '@' + attr.name);
            if (attr.name === 'srcdoc') found.push(el.tagName + '@srcdoc');
            if (['href', 'xlink:href', 'src', 'action', 'formaction', 'data'].includes(attr.name)
                && (value.startsWith('javascript:') || value.startsWith('data:text')))
                found.push(el.tagName + '@' + attr.name + '=' + value.slice(0, 60));
            if (loads[el.tagName] === attr.name && value.includes(listen))
                found.push(el.tagName + '@' + attr.name + '=' + value.slice(0, 60));
        }
    }
    return found;
}"""


def _batches(corpus: list[str], limit: int, sep: str = "\n\n") -> list[str]:
    """Payloads packed into submissions of at most `limit` characters."""
    batches, current = [], ""
    for i, payload in enumerate(corpus):
        item = f"P{i}: {payload}"
        if current and len(current) + len(sep) + len(item) > limit:
            batches.append(current)
            current = ""
        current = f"{current}{sep}{item}" if current else item
    return [*batches, current] if current else batches


def _account(live_app, prefix: str, role: Role = Role.buyer) -> tuple[str, str]:
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        user = auth.register(session=session, email=email, password=PASSWORD, role=role)
        session.commit()
        return email, user.username


class Watch:
    """Dialogs and the page title of one tab, checked after each page it loads."""

    def __init__(self, page, listen: str):
        self.page, self.listen, self.dialogs = page, listen, []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check(self, where: str, shown: str) -> None:
        page = self.page
        # The user text is on screen (as text), so every payload had its chance to run.
        expect(page.get_by_text(shown, exact=False).first).to_be_attached()
        page.wait_for_timeout(1500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"xss-{where}.png"), full_page=True)
        assert self.dialogs == [], f"{where}: dialogs {self.dialogs}"
        assert "pwned" not in page.title() and not page.title().startswith("x"), where
        inside = page.evaluate(INJECTED, self.listen)
        assert inside == [], f"{where}: elements from user text: {inside}"
        assert _Listener.hits == [], f"{where}: requests to the listener: {_Listener.hits}"


def _import(live_app, tmp_path, seller_email: str, corpus: list[str], slug: str) -> None:
    """The corpus as one JSONL line, imported by the importer in the app's environment."""
    record = {
        "slug": slug,
        "title": TITLE_PAYLOAD,
        "summary": _batches(corpus, 300, " ")[0],
        "description": "\n\n".join(f"Payload {i}: {p}" for i, p in enumerate(corpus)),
        "category": "Utilities",
        "license": "MIT",
        "pricing": "free",
        "price_cents": 0,
        "version": "1.0.0",
        "changelog": "\n\n".join(f"Change {i}: {p}" for i, p in enumerate(corpus)),
        "files": {"README.md": "# Payload test\n", "main.py": "print('hello')\n"},
        "ai_metadata": {
            "model": "gpt-5",
            "provider": "openai",
            "prompt_history": [
                {"role": "user" if i % 2 == 0 else "assistant", "content": f"Prompt {i}: {p}"}
                for i, p in enumerate(corpus)
            ],
            "token_usage": {"input": 10, "output": 20},
        },
    }
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    printed = live_app.run_python(
        "import json; from pathlib import Path; from vibecoder.domain.catalog import importer; "
        f"s = importer.import_file(path=Path({str(path)!r}), seller_email={seller_email!r}); "
        "print(json.dumps([s.created, s.errors]))"
    )
    created, errors = json.loads(printed.strip().splitlines()[-1])
    assert errors == [] and created == 1


def test_xss_corpus_saved_through_the_importer_and_the_forms_never_runs(
    browser,
    live_app,
    tmp_path,
    listener,  # noqa: F811 - the module's fixture, imported above
):
    corpus = payloads(listener)
    assert len(corpus) >= 40
    _Listener.hits.clear()
    slug = f"xss-corpus-{uuid.uuid4().hex[:8]}"
    seller_email, seller_name = _account(live_app, "xss-seller", Role.seller)
    buyer_email, _ = _account(live_app, "xss-buyer")
    admin_email, _ = _account(live_app, "xss-admin", Role.admin)
    _import(live_app, tmp_path, seller_email, corpus, slug)
    listing_url = f"{live_app.frontend_url}/listing/{slug}"

    def tab(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 860})
        context.set_default_timeout(120_000)  # first visits compile routes in the dev server
        page = context.new_page()
        return page, Watch(page, listener)

    # --- the buyer claims the listing, reviews it, reports it and asks the builder ------------
    buyer, buyer_watch = tab()
    sign_in(buyer, live_app, buyer_email, PASSWORD, f"/listing/{slug}")
    buyer.click("#get-button")
    buyer.wait_for_url(f"{live_app.frontend_url}/library")
    buyer.goto(listing_url)
    wait_for_app(buyer)
    expect(buyer.locator("#owned-link")).to_be_visible()
    buyer.click("#tab-reviews")
    buyer.locator("button[role=radio][value='5']").click()
    review = _batches(corpus, 5000)[0]
    buyer.get_by_label("Review text").fill(review)
    buyer.get_by_role("button", name="Save review").click()
    expect(buyer.get_by_text("your review is saved", exact=False)).to_be_visible()
    buyer.click("#report-listing")
    buyer.locator("#report-category").click()
    buyer.get_by_role("option", name="Something else").click()
    buyer.fill("#report-details", _batches(corpus, 2000)[0])
    buyer.click("#report-submit")
    expect(buyer.locator("#report-confirmation")).to_contain_text("your report was sent")
    buyer.goto(f"{live_app.frontend_url}/build")
    wait_for_app(buyer)
    buyer.fill("input[name=name]", "XSS shop")
    prompt = _batches(corpus, 4000)[0]
    buyer.fill("textarea[name=prompt]", prompt)
    buyer.get_by_role("button", name="Start building").click()
    buyer.wait_for_url(f"{live_app.frontend_url}/build/**", timeout=120_000)
    builder_url = buyer.url

    # --- the seller fills in the profile and replies to the review -----------------------------
    seller, seller_watch = tab({"width": 390, "height": 844})
    sign_in(seller, live_app, seller_email, PASSWORD, "/account")
    seller.fill("#display_name", NAME_PAYLOAD)
    seller.fill("#bio", _batches(corpus, 2000)[0])
    seller.get_by_role("button", name="Save profile").click()
    expect(seller.get_by_text("Profile saved.")).to_be_visible()
    seller.goto(listing_url)
    wait_for_app(seller)
    seller.click("#tab-reviews")
    seller.get_by_label("Reply to review").fill(_batches(corpus, 5000, " ")[0])
    seller.get_by_role("button", name="Reply", exact=True).click()
    expect(seller.get_by_text("Seller reply")).to_be_visible()

    # What was saved is the corpus as text (nh3 removed the tags), never nothing at all.
    with Session(live_app.engine) as session:
        listing = session.exec(select(Listing).where(Listing.slug == slug)).one()
        # (A payload's unclosed tag may take the text after it along: the head stays.)
        assert listing.title == TITLE_PAYLOAD and listing.description.startswith("Payload 0:")
        assert session.exec(select(BuilderMessage.id)).first() is not None

    # --- someone else reads it all: a visitor, the buyer, the admin ----------------------------
    visitor, watch = tab()
    visitor.goto(listing_url)
    wait_for_app(visitor)
    watch.check("listing-overview", "Payload 0:")
    visitor.get_by_role("tab", name="Versions").click()
    watch.check("listing-changelog", "Change 0:")
    visitor.click("#tab-ai")
    watch.check("listing-provenance", f"Prompt {len(corpus) - 1}:")
    visitor.click("#tab-reviews")
    watch.check("listing-reviews", "Seller reply")
    visitor.goto(f"{live_app.frontend_url}/u/{seller_name}")
    wait_for_app(visitor)
    watch.check("profile", "P0:")

    buyer.goto(f"{live_app.frontend_url}/library")
    wait_for_app(buyer)
    buyer.click("#notifications-bell")
    buyer_watch.check("notifications", "Receipt:")
    buyer.keyboard.press("Escape")
    buyer.goto(builder_url)
    wait_for_app(buyer)
    buyer_watch.check("builder-chat", "P0:")

    admin, admin_watch = tab()
    sign_in(admin, live_app, admin_email, PASSWORD, "/admin")
    admin_watch.check("admin-reports", "P0:")
    seller_watch.check("seller-reply", "Seller reply")
    for page in (visitor, buyer, seller, admin):
        page.context.close()
