"""A seller lists code with a zip and publishes it; a visitor finds it and reads a file."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.conftest import ARTIFACTS, wait_for_app
from vibecoder.domain.accounts import auth
from vibecoder.models.users import Role

PASSWORD = "violet-harbour-2026"
MAIN_PY = '''"""Rename photos by the date they were taken."""

def new_name(stamp: str, index: int) -> str:
    return f"{stamp.replace(':', '-')}_{index:03d}.jpg"


if __name__ == "__main__":
    print(new_name("2026:05:01 10:00:00", 1))
'''


def _zip(tmp_path) -> str:
    path = tmp_path / "photo-renamer.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo_renamer/main.py", MAIN_PY)
        archive.writestr("README.md", "# Photo renamer\n\nRenames photos by EXIF date.\n")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _sign_in(page, live_app, email: str) -> None:
    page.goto(live_app.frontend_url + "/signin")
    wait_for_app(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#signin-submit")
    page.wait_for_url(live_app.frontend_url + "/")


def test_seller_publishes_zip_and_visitor_reads_code(browser, page, live_app, tmp_path):
    email = f"seller-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=email, password=PASSWORD, role=Role.seller)
        session.commit()
    title = f"Photo Renamer {uuid.uuid4().hex[:6]}"

    _sign_in(page, live_app, email)
    page.goto(live_app.frontend_url + "/sell/new")
    wait_for_app(page)
    page.fill("#title", title)
    page.fill("#summary", "Rename holiday photos by the date they were taken.")
    page.fill("#description", "## Usage\n\n`python main.py`")
    page.fill("#price", "7.50")
    page.fill("#technologies", "python, exif")
    page.click("#save-listing")
    page.wait_for_url(re.compile(r".*/sell/\d+$"))
    expect(page.locator("#upload-version")).to_be_visible()

    page.set_input_files("#version-files input[type=file]", _zip(tmp_path))
    page.click("#upload-version")
    expect(page.locator("#upload-message")).to_contain_text("uploaded with 2 files")
    page.click(".publish-version")
    expect(page.get_by_text("published", exact=True).first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "seller-editor.png"), full_page=True)

    visitor = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    visitor.goto(live_app.frontend_url + "/browse")
    wait_for_app(visitor)
    card = visitor.get_by_role("link", name=title)
    expect(card).to_be_visible()
    card.click()
    visitor.wait_for_url("**/listing/**")
    expect(visitor.locator("#listing-title")).to_have_text(title)
    expect(visitor.locator("#price")).to_have_text("$7.50")
    visitor.click("#tab-code")
    # The README opens first; the visitor then opens the Python file.
    expect(visitor.locator("#code-viewer")).to_contain_text("Photo renamer")
    visitor.get_by_role("button", name="Open photo_renamer/main.py").click()
    expect(visitor.locator("#code-viewer")).to_contain_text("def new_name")
    visitor.screenshot(path=str(ARTIFACTS / "listing-code-viewer.png"), full_page=True)
    visitor.context.close()
