"""A seller marks which files a visitor reads in full before buying, in the listing editor;
a control character typed into the editor is refused with the field's name (at phone width)."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.conftest import shot, sign_in, wait_for_app
from vibecoder.models.catalog import Listing

expect.set_options(timeout=30_000)
PASSWORD = "copper-lantern-2026"
BODY = "".join(f"line_{n} = {n}\n" for n in range(1, 201))


def _shot(page, name: str) -> None:
    shot(page, f"preview-{name}")


def _paid_listing(live_app) -> tuple[str, int, str]:
    """A seller with a published paid listing of three long files; (email, listing id, slug).
    Made in the app's own environment (its blob store and broker), as the app makes them."""
    email = f"marker-{uuid.uuid4().hex[:8]}@example.com"
    made = live_app.run_python(
        f"""
import json
from sqlmodel import Session
from tests.fakes.commerce import zip_of
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.infra.db import get_engine
from vibecoder.models.users import Role

body = {BODY!r}
with Session(get_engine()) as session:
    seller = auth.register(
        session=session, email={email!r}, password={PASSWORD!r}, role=Role.seller
    )
    listing = catalog.create_listing(
        session=session,
        seller=seller,
        data={{
            "title": "Marked CLI " + {email[7:15]!r},
            "summary": "A command line tool with a marked preview file.",
            "category": "CLI tools",
            "pricing_model": "one_time",
            "price_cents": 1900,
        }},
    )
    files = {{"README.md": body, "src/cli.py": body, "src/engine.py": body}}
    added = listing_files.add_uploaded_version(
        session=session,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog="- first",
        uploads=[("code.zip", zip_of(files))],
    )
    listing_files.publish_scanned_version(
        session=session, seller=seller, version_id=added.version_id
    )
    session.commit()
    print(json.dumps([listing.id, listing.slug]))
"""
    )
    listing_id, slug = json.loads(made.strip().splitlines()[-1])
    return email, listing_id, slug


def _open_file(page, path: str) -> None:
    page.get_by_role("button", name=f"Open {path}").click()
    expect(page.locator("#code-viewer")).to_contain_text("line_1 = 1")


# At phone width only (the suite's time budget): the narrow code viewer is the harder layout.
@pytest.mark.parametrize("sized_page", ["phone"], indirect=True)
def test_seller_marks_a_preview_file_and_a_visitor_reads_it_in_full(sized_page, live_app, browser):
    page = sized_page
    email, listing_id, slug = _paid_listing(live_app)
    sign_in(page, live_app, email, PASSWORD, f"/sell/{listing_id}")
    expect(page.locator("#preview_files")).to_have_value("README*\n/docs/\n/doc/")

    # A control character in a one-line field: the error names the field, nothing is saved.
    title = page.locator("#title").input_value()
    page.fill("#title", "Marked\x07 CLI")
    page.click("#save-listing")
    expect(
        page.get_by_text("Title contains a control character (U+0007); remove it.")
    ).to_be_visible()
    _shot(page, "control-character")
    with Session(live_app.engine) as session:
        assert session.get(Listing, listing_id).title == title

    # A pattern that leaves the listing is refused with a clear sentence.
    page.fill("#title", title)
    page.fill("#preview_files", "README*\n../secrets.py")
    page.click("#save-listing")
    expect(page.get_by_text("paths are inside the listing", exact=False)).to_be_visible()

    page.fill("#preview_files", "README*\nsrc/cli.py")
    page.click("#save-listing")
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(page.locator("#preview-files-shown")).to_contain_text("src/cli.py")
    expect(page.locator("#preview-files-shown")).not_to_contain_text("src/engine.py")
    _shot(page, "seller-marked")
    with Session(live_app.engine) as session:
        assert session.get(Listing, listing_id).preview_files == ["README*", "src/cli.py"]

    # A visitor (no account, same screen size) reads the marked file in full, not the other.
    visitor = browser.new_context(viewport=page.viewport_size).new_page()
    visitor.width_name = page.width_name
    visitor.goto(f"{live_app.frontend_url}/listing/{slug}")
    wait_for_app(visitor)
    visitor.click("#tab-code")
    _open_file(visitor, "src/cli.py")
    expect(visitor.locator("#code-viewer")).to_contain_text("line_200 = 200")
    expect(visitor.get_by_text("Buy this listing to see the rest")).to_have_count(0)
    _shot(visitor, "visitor-marked-file")
    _open_file(visitor, "src/engine.py")
    expect(visitor.get_by_text("Buy this listing to see the rest", exact=False)).to_be_visible()
    expect(visitor.locator("#code-viewer")).not_to_contain_text("line_41 = 41")
    _shot(visitor, "visitor-unmarked-file")
    visitor.context.close()
