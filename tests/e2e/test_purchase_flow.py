"""A buyer pays with the test gateway, downloads the zip, activates the key; the seller refunds.

Everything goes through the running app: the Buy button, the dummy gateway's checkout page
(Stripe's test cards), fulfilment in the Celery worker, the library, the signed download URL,
the license API over HTTP, and the seller's refund on /sell/payouts.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile

import httpx
from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session

from tests.e2e.conftest import ARTIFACTS, sign_in, wait_for_app
from vibecoder.domain.accounts import auth

PASSWORD = "amber-lighthouse-2026"
SLUG = "csv-dedupe"  # a seeded one-time listing at $9.00, commercial license (10 machines)
SELLER_EMAIL = "ines.duarte@example.com"


def _sign_in(page, live_app, email: str, next_path: str) -> None:
    sign_in(page, live_app, email, PASSWORD, next_path)


def _latest_files(live_app) -> tuple[str, dict[str, str]]:
    with live_app.engine.connect() as conn:
        version_id, version = conn.execute(
            text(
                "select v.id, v.version from listing_versions v join listings l "
                "on l.id = v.listing_id where l.slug = :slug and v.is_latest"
            ),
            {"slug": SLUG},
        ).one()
        rows = conn.execute(
            text("select path, sha256 from version_files where version_id = :v"), {"v": version_id}
        ).all()
    return version, {path: sha for path, sha in rows}


def _license_api(live_app, action: str, **body) -> httpx.Response:
    return httpx.post(f"{live_app.backend_url}/api/v1/licenses/{action}", json=body, timeout=10)


def test_buy_download_activate_refund(browser, page, live_app, tmp_path):
    buyer_email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    with Session(live_app.engine) as session:
        auth.register(session=session, email=buyer_email, password=PASSWORD)
        # The seeded seller gets a password we know, to refund from their own page.
        session.execute(
            text("update users set password_hash = :h where email = :e"),
            {"h": auth.hash_password(PASSWORD), "e": SELLER_EMAIL},
        )
        session.commit()

    # --- the buyer pays with the test gateway ----------------------------------------------
    _sign_in(page, live_app, buyer_email, f"/listing/{SLUG}")
    expect(page.locator("#test-payments-note")).to_contain_text("4242 4242 4242 4242")
    buy = page.locator("#buy-button")
    expect(buy).to_contain_text("Buy for $9")
    buy.click()
    page.wait_for_url(re.compile(r".*/api/checkout/dummy/cs_dummy_\w+$"))
    expect(page.locator("#test-banner")).to_contain_text("TEST PAYMENTS")
    page.fill("#card-number", "4000 0000 0000 0002")
    page.click("#pay-button")
    expect(page.locator("#card-error")).to_contain_text("declined")
    page.fill("#card-number", "4000 0000 0000 9995")
    page.click("#pay-button")
    expect(page.locator("#card-error")).to_contain_text("insufficient funds")
    page.screenshot(path=str(ARTIFACTS / "dummy-checkout.png"), full_page=True)
    page.fill("#card-number", "4242 4242 4242 4242")
    page.click("#pay-button")
    page.wait_for_url(re.compile(r".*/library\?purchase=\d+$"))
    purchase_id = int(page.url.rsplit("=", 1)[1])
    wait_for_app(page)

    # --- fulfilled by the worker: the library shows it, with a key and downloads ------------
    entry = page.locator(f"#purchase-{purchase_id}")
    expect(entry.locator(".purchase-status")).to_have_text("Paid", timeout=30_000)
    expect(entry.locator(".license-status")).to_have_text("inactive")
    expect(entry.locator(".license-key")).to_contain_text("•")  # masked until asked for
    entry.locator(".reveal-key").click()
    key_box = entry.locator(".license-key")
    expect(key_box).to_have_text(re.compile(r"^VC(-[0-9A-Z]{5}){5}$"))
    key = key_box.inner_text().strip()
    # The receipt is waiting behind the bell; opening it marks it read.
    expect(page.locator("#unread-count")).to_be_visible()
    page.click("#notifications-bell")
    expect(page.locator("#notifications-panel")).to_contain_text("Receipt: CSV Deduplicator")
    expect(page.locator("#unread-count")).to_have_count(0)
    page.keyboard.press("Escape")

    version, files = _latest_files(live_app)
    with page.expect_download() as download_info:
        entry.locator(".download-version").first.click()
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-{version}.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{SLUG}-{version}/{p}" for p in files)
        for name in names:
            relative = name.split("/", 1)[1]
            assert hashlib.sha256(archive.read(name)).hexdigest() == files[relative]
        assert f"{SLUG}-{version}/dedupe.py" in names

    # --- the key works through the license API ----------------------------------------------
    activated = _license_api(live_app, "activate", license_key=key, instance_name="e2e-laptop")
    assert activated.status_code == 200, activated.text
    body = activated.json()
    assert body["activated"] is True and body["license_key"]["activation_limit"] == 10
    # Whoever holds the key learns the listing, never the buyer's email.
    assert body["meta"]["listing_slug"] == SLUG and "buyer_email" not in body["meta"]
    assert buyer_email not in activated.text
    instance_id = body["instance"]["id"]
    page.reload()
    wait_for_app(page)
    expect(entry.locator(".activation-name")).to_have_text("e2e-laptop")
    expect(entry.locator(".license-status")).to_have_text("active")
    page.screenshot(path=str(ARTIFACTS / "library.png"), full_page=True)

    # --- the seller refunds it ---------------------------------------------------------------
    seller = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    _sign_in(seller, live_app, SELLER_EMAIL, "/sell/payouts")
    seller.locator(f"#refund-{purchase_id}").click()
    seller.locator("#confirm-refund").click()
    expect(seller.locator("#sales-message")).to_contain_text(f"Order #{purchase_id} refunded")
    seller.screenshot(path=str(ARTIFACTS / "seller-payouts.png"), full_page=True)
    _fits_a_phone(seller, "seller-payouts")
    seller.context.close()

    # --- the buyer's key is disabled, and so are downloads -----------------------------------
    page.reload()
    wait_for_app(page)
    expect(entry.locator(".purchase-status")).to_have_text("Refunded")
    expect(entry.locator(".license-status")).to_have_text("disabled")
    expect(entry.locator(".download-version")).to_have_count(0)
    expect(entry).to_contain_text("Downloads are closed")
    validated = _license_api(live_app, "validate", license_key=key, instance_id=instance_id).json()
    assert validated["valid"] is False and validated["error"] == "license_disabled"
    page.screenshot(path=str(ARTIFACTS / "library-refunded.png"), full_page=True)
    _fits_a_phone(page, "library")


def _fits_a_phone(page, name: str) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    wait_for_app(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"{name}-mobile.png"), full_page=True)
    assert width <= 375, f"{name} scrolls sideways on a phone ({width}px)"
