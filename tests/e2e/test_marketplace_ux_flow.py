"""Issue 18 as a person meets it, at desktop and phone widths: accounts by email, browse and
search state in the URL, typo-tolerant search with a relevance floor, admin GMV from demo sales."""

from __future__ import annotations

import email
import re
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session

from tests.e2e.conftest import shot, wait_for_app
from vibecoder.domain.accounts import auth
from vibecoder.domain.commerce.money import format_amount
from vibecoder.models.users import Role

# The shared build machine can take well over expect's default 5 s to hydrate a page.
expect.set_options(timeout=30_000)
PASSWORD = "amber-lighthouse-2026"


def _shot(page, name: str) -> None:
    shot(page, f"ux-{name}")


def _mail_link(live_app, to: str, kind: str, timeout: float = 30) -> str:
    """The newest link of `kind` ('reset' or 'verify') mailed to `to`, read from the outbox."""
    outbox = Path(live_app.data_dir) / "outbox"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True) if outbox.exists() else []:
            message = email.message_from_bytes(path.read_bytes())
            if message["To"] != to:
                continue
            body = message.get_payload(decode=True).decode()
            marker = "/reset#token=" if kind == "reset" else "/api/account/verify?token="
            found = re.search(r"https?://\S+", body)
            if found and marker in found.group(0):
                return found.group(0)
        time.sleep(0.3)
    raise AssertionError(f"no {kind} mail to {to} in {outbox}")


def _sign_in(page, live_app, address: str, password: str) -> None:
    page.goto(f"{live_app.frontend_url}/signin?next=/account")
    wait_for_app(page)
    page.fill("#email", address)
    page.fill("#password", password)
    page.click("#signin-submit")
    page.wait_for_url(live_app.frontend_url + "/account")
    wait_for_app(page)


# At phone width only (the suite's time budget): nothing in it differs by width but the layout.
@pytest.mark.parametrize("sized_page", ["phone"], indirect=True)
def test_sign_up_verify_email_forget_and_reset_password(sized_page, live_app):
    page = sized_page
    address = f"mail-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(live_app.frontend_url + "/signup")
    wait_for_app(page)
    page.fill("#email", address)
    page.fill("#password", "password1234")
    page.fill("#password_confirm", "password1234")
    page.click("#signup-submit")
    # zxcvbn's verdict, with its advice.
    expect(page.get_by_text("too easy to guess")).to_be_visible()
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.check("#sell")
    page.click("#signup-submit")
    page.wait_for_url(live_app.frontend_url + "/account")
    wait_for_app(page)
    expect(page.locator("#email-unverified")).to_be_visible()
    _shot(page, "account-unverified")

    # Publishing needs a verified email: the link from the mail verifies it.
    page.goto(_mail_link(live_app, address, "verify"))
    page.wait_for_url(re.compile(r".*/account\?email=verified"))
    wait_for_app(page)
    expect(page.locator("#email-verified")).to_be_visible()
    expect(page.get_by_text("Your email address is verified.")).to_be_visible()
    _shot(page, "account-verified")

    # Forgot the password: the reset link works once and signs every device out.
    page.context.clear_cookies()
    page.goto(live_app.frontend_url + "/signin")
    wait_for_app(page)
    page.click("#forgot-link")
    page.wait_for_url(live_app.frontend_url + "/forgot")
    wait_for_app(page)
    # A client-side navigation: the address changes before the new page replaces the old one,
    # and the sign-in form has an #email field too.
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.fill("#email", address.upper())
    page.click("#forgot-submit")
    expect(page.locator("#forgot-sent")).to_contain_text("If an account exists")
    _shot(page, "forgot-sent")
    link = _mail_link(live_app, address, "reset")
    page.goto(link)
    wait_for_app(page)
    page.fill("#password", "copper-meadow-2026")
    page.fill("#password_confirm", "copper-meadow-2026")
    page.click("#reset-submit")
    expect(page.locator("#reset-done")).to_be_visible()
    _shot(page, "reset-done")
    # A second use is refused (leave the page first: a same-URL #fragment change is no load).
    page.goto(live_app.frontend_url + "/signin")
    wait_for_app(page)
    page.goto(link)
    wait_for_app(page)
    page.fill("#password", "violet-harbour-2026")
    page.fill("#password_confirm", "violet-harbour-2026")
    page.click("#reset-submit")
    expect(page.get_by_text("invalid, already used or expired")).to_be_visible()
    _sign_in(page, live_app, address, "copper-meadow-2026")
    expect(page.locator("#account-email")).to_contain_text(address)


def _count(page, *, some: bool = True) -> int:
    """The result count once the page's query has answered (it reads 0 until then)."""
    counter = page.locator("#result-count")
    expect(counter).to_be_visible()
    if some:
        expect(counter).not_to_have_text(re.compile(r"^0 "))
    return int(counter.inner_text().split()[0])


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


# At phone width only (the suite's time budget): nothing in it differs by width but the layout.
@pytest.mark.parametrize("sized_page", ["phone"], indirect=True)
def test_browse_filters_live_in_the_url_in_any_case(sized_page, live_app):
    page = sized_page
    page.goto(live_app.frontend_url + "/browse?pricing=FREE")
    wait_for_app(page)
    free = _count(page)
    assert 0 < free < 40
    expect(page.locator("#filter-pricing")).to_contain_text("Free")
    page.goto(live_app.frontend_url + "/browse?category=bots")
    wait_for_app(page)
    assert _count(page) >= 4
    expect(page.locator("#filter-category")).to_contain_text("Bots")
    # The address is rewritten to what is applied, in the canonical casing.
    expect(page).to_have_url(re.compile(r"/browse\?category=Bots$"))
    cards = page.locator(".listing-card")
    expect(cards).to_have_count(_count(page))
    _shot(page, "browse-bots")

    # Changing a filter rewrites the address; reloading shows the same thing.
    page.locator("#filter-pricing").click()
    page.get_by_role("option", name="One-time").click()
    expect(page).to_have_url(re.compile(r"category=Bots&pricing=one_time$"))
    bots = _count(page)
    page.locator("#sort").click()
    page.get_by_role("option", name="Top rated").click()
    expect(page).to_have_url(re.compile(r"sort=top_rated"))
    page.reload()
    wait_for_app(page)
    assert _params(page) == {"category": ["Bots"], "pricing": ["one_time"], "sort": ["top_rated"]}
    assert _count(page) == bots
    expect(page.locator("#sort")).to_contain_text("Top rated")

    # Unknown values are ignored, with a notice; the rest still applies.
    page.goto(live_app.frontend_url + "/browse?category=spaceships&sort=PRICE_LOW")
    wait_for_app(page)
    expect(page.locator("#url-notice")).to_contain_text("Ignored unknown category “spaceships”")
    expect(page.locator("#sort")).to_contain_text("Price: low to high")
    assert _count(page) >= 40

    # Clear filters empties the price boxes too, and the address.
    # (The catalog has free listings: only a floor no listing reaches empties it.)
    page.fill("#filter-min-price", "99999")
    page.fill("#filter-max-price", "100000")
    page.get_by_role("button", name="Apply price").click()
    expect(page.locator("#empty-state")).to_contain_text("No listing matches")
    # The address follows once the results are on screen (a script after the state change).
    expect(page).to_have_url(re.compile(r"min_price=99999"))
    assert _params(page)["min_price"] == ["99999"]
    assert _params(page)["max_price"] == ["100000"]
    _shot(page, "browse-empty-filters")
    page.locator("#clear-filters").click()
    expect(page.locator("#filter-min-price")).to_have_value("")
    expect(page.locator("#filter-max-price")).to_have_value("")
    expect(page).to_have_url(live_app.frontend_url + "/browse")
    assert _count(page) >= 40


def _wait_for_embeddings(live_app, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with live_app.engine.connect() as conn:
            missing = conn.execute(
                text(
                    "SELECT count(*) FROM listings WHERE embedding IS NULL AND status = 'published'"
                )
            ).scalar_one()
        if missing == 0:
            return
        time.sleep(0.5)
    raise AssertionError("listings still without embeddings")


def test_search_forgives_typos_refuses_nonsense_and_keeps_filters_in_the_url(sized_page, live_app):
    page = sized_page
    _wait_for_embeddings(live_app)
    page.goto(live_app.frontend_url + "/search")
    wait_for_app(page)
    page.fill("#search-input", "lnading pgae for cofee shp")
    expect(page.locator("#corrected-query")).to_contain_text("landing page for coffee shop")
    first = page.locator("#search-results .listing-card").first
    expect(first).to_contain_text("coffee", ignore_case=True)
    expect(page).to_have_url(re.compile(r"q=lnading"))
    assert _params(page)["q"] == ["lnading pgae for cofee shp"]
    _shot(page, "search-typos")

    page.fill("#search-input", "quantum blockchain toaster firmware")
    expect(page.locator("#no-results")).to_contain_text("No results for")
    expect(page.locator("#search-suggestions")).to_be_visible()
    expect(page.locator("#search-results")).to_have_count(0)
    _shot(page, "search-nonsense")

    # Filters and the query are in the address; a reload shows the same results.
    page.goto(live_app.frontend_url + "/search?q=bot&category=BOTS")
    wait_for_app(page)
    expect(page.locator("#filter-category")).to_contain_text("Bots")
    count = _count(page)
    page.reload()
    wait_for_app(page)
    assert _count(page) == count
    expect(page).to_have_url(re.compile(r"category=Bots"))
    assert _params(page) == {"q": ["bot"], "category": ["Bots"]}
    # A new query from the navbar starts without the old filters.
    if page.width_name == "desktop":
        box = page.locator("nav input[name=q]")
    else:
        page.get_by_role("button", name="Menu", exact=True).click()
        box = page.locator("#mobile-menu input[name=q]")
    box.fill("snake game")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=snake"))
    wait_for_app(page)
    expect(page.locator("#filter-category")).to_contain_text("Any")
    expect(page.locator("#search-results .listing-card").first).to_contain_text("Snake")


def test_admin_gmv_counts_the_demo_sales(sized_page, live_app):
    page = sized_page
    admin = f"gmv-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=admin, password=PASSWORD, role=Role.admin)
        session.commit()
        sales = session.exec(
            text(
                "SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries WHERE kind = 'sale' "
                "AND currency = 'usd' AND created_at >= now() - interval '30 days'"
            )
        ).scalar_one()
    assert sales > 0  # the demo orders are in the ledger
    _sign_in(page, live_app, admin, PASSWORD)
    page.goto(live_app.frontend_url + "/admin")
    wait_for_app(page)
    expect(page.locator("#metric-gmv")).to_contain_text(format_amount(sales, "usd"))
    _shot(page, "admin-gmv")


CLAUDE_EXPORT = [
    {
        "uuid": "c1",
        "name": "CSV tool",
        "updated_at": "2026-11-01T10:00:00Z",
        "chat_messages": [
            {"sender": "human", "text": "Write a CSV column picker in Python", "content": []},
            {"sender": "assistant", "text": "Here is pick.py", "content": []},
        ],
    }
]


def test_seller_records_provenance_and_versions_without_surprises(sized_page, live_app, tmp_path):
    import io
    import json
    import zipfile

    page = sized_page
    seller_email = f"prov-{uuid.uuid4().hex[:8]}@example.com"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pick.py", "print('pick')\n")
    # A seller with two published versions, made the way the app makes them (publishing
    # enqueues notifications on the app's own broker).
    seeded = live_app.run_python(
        f"""
import io, json
from sqlmodel import Session
from tests.integration.test_catalog import LISTING
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.infra.db import get_engine
from vibecoder.models.users import Role

archive = {buffer.getvalue()!r}
with Session(get_engine()) as session:
    seller = auth.register(
        session=session, email={seller_email!r}, password={PASSWORD!r}, role=Role.seller
    )
    listing = catalog.create_listing(
        session=session, seller=seller, data={{**LISTING, "title": {f"Picker {page.width_name}"!r}}}
    )
    for version in ("1.0.0", "1.1.0"):
        added = listing_files.add_uploaded_version(
            session=session,
            seller=seller,
            listing_id=listing.id,
            version=version,
            changelog="",
            uploads=[("code.zip", io.BytesIO(archive))],
        )
        listing_files.publish_scanned_version(
            session=session, seller=seller, version_id=added.version_id
        )
    session.commit()
    print(json.dumps({{"listing_id": listing.id, "slug": listing.slug}}))
"""
    )
    ids = json.loads(seeded.strip().splitlines()[-1])
    listing_id, slug = ids["listing_id"], ids["slug"]
    _sign_in(page, live_app, seller_email, PASSWORD)
    page.goto(f"{live_app.frontend_url}/sell/{listing_id}")
    wait_for_app(page)
    # The next patch is pre-filled; a version below the latest needs a second click.
    expect(page.locator("#new_version")).to_have_value("1.1.1")
    page.fill("#new_version", "0.9.0")
    zip_path = tmp_path / "code.zip"
    zip_path.write_bytes(buffer.getvalue())
    page.set_input_files("#version-files input[type=file]", str(zip_path))
    page.click("#upload-version")
    expect(page.locator("#version-warning")).to_contain_text("below the latest version 1.1.0")
    _shot(page, "editor-version-warning")
    page.fill("#new_version", "1.1.1")
    page.click("#upload-version")
    expect(page.locator("#upload-message")).to_contain_text("Version 1.1.1 uploaded")

    # Provenance of the new version: typed prompts previewed, then a Claude export imported.
    page.locator("tr", has_text="1.1.1").locator(".edit-provenance").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#model").fill("claude-sonnet-4-5")
    dialog.locator("#provider").click()
    page.get_by_role("option", name="anthropic").click()
    dialog.locator("#tokens_in").fill("1,200")
    dialog.locator("#tokens_out").fill("800")
    dialog.locator("#temperature").fill("0.2")
    dialog.locator("#provenance-transcript").fill("User: pick columns\nAssistant: done")
    dialog.locator("#provenance-preview").click()
    expect(dialog.locator("#provenance-prompts")).to_contain_text("2 messages")
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(CLAUDE_EXPORT))
    dialog.locator("#provenance-export input[type=file]").set_input_files(str(export))
    expect(dialog.locator("#provenance-note")).to_contain_text("Claude conversation “CSV tool”")
    expect(dialog.locator("#provenance-prompts")).to_contain_text("Write a CSV column picker")
    _shot(page, "provenance-preview")
    dialog.locator("#provenance-save").click()
    expect(page.get_by_text("Provenance of version 1.1.1 saved.")).to_be_visible()

    # Publishing resets the form: next patch, no stale message.
    page.locator("tr", has_text="1.1.1").locator(".publish-version").click()
    expect(page.locator("#new_version")).to_have_value("1.1.2")
    expect(page.locator("#upload-message")).to_have_text("")

    # The seller's example invocation for "Run in sandbox": bad quotes are refused, by name.
    page.fill("#run_entry_point", "pick.py")
    page.fill("#run_args", "--cols 'a b")
    page.fill("#run_stdin", "a,b\n1,2")
    page.click("#save-listing")
    expect(page.get_by_role("alert").filter(has_text="run_args")).to_contain_text("quotes")
    page.fill("#run_args", "--cols 'a b'")
    page.click("#save-listing")
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    page.goto(f"{live_app.frontend_url}/listing/{slug}")
    wait_for_app(page)
    expect(page.locator("#run-args")).to_have_value("--cols 'a b'")
    expect(page.get_by_label("Standard input")).to_have_value("a,b\n1,2")
    page.click("#tab-ai")
    provenance = page.locator("#provenance")
    expect(provenance).to_contain_text("claude-sonnet-4-5")
    expect(provenance).to_contain_text("1,200 in · 800 out")
    expect(provenance).to_contain_text("Write a CSV column picker")
    expect(page.locator("#listing-rating")).to_have_text("No reviews yet")
    _shot(page, "listing-provenance")


def test_home_covers_ratings_and_verified_buyers(sized_page, live_app):
    page = sized_page
    page.goto(live_app.frontend_url + "/")
    wait_for_app(page)
    for section in ("#home-categories", "#home-new", "#home-trending", "#home-creators"):
        expect(page.locator(section)).to_be_visible()
    expect(page.locator("#home-trust")).to_contain_text("Verified tests")
    # Covers on the cards: lazy images served by the API.
    cover = page.locator("#featured .listing-card img").first
    expect(cover).to_have_attribute("loading", "lazy")
    assert "/api/covers/" in cover.get_attribute("src")
    # One decimal everywhere.
    for value in page.locator(".rating-value").all_inner_texts():
        assert re.fullmatch(r"\d\.\d", value), value
    _shot(page, "home")
    page.locator("#featured .listing-card").first.click()
    page.wait_for_url("**/listing/**")
    wait_for_app(page)
    expect(page.locator("#listing-rating")).to_have_text(re.compile(r"^\d\.\d \(\d+ reviews?\)$"))
    page.click("#tab-reviews")
    expect(page.locator(".verified-buyer").first).to_be_visible()
    _shot(page, "listing-reviews")
