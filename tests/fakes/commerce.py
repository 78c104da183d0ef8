"""Shared pieces of the commerce tests: users, published listings, Stripe config, signing."""

from __future__ import annotations

import io
import json
import os
import secrets
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import stripe
from sqlmodel import Session, select
from starlette.testclient import TestClient

from tests.fakes.stripe_server import FakeStripe
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import errors, events
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import ProcessedWebhookEvent, Purchase
from vibecoder.models.users import Role, User

PASSWORD = "tangerine-bicycle-42"
LISTING = {
    "title": "CSV Deduper",
    "summary": "Remove duplicate rows from CSV files by key columns.",
    "description": "# CSV Deduper",
    "category": "Data scripts",
    "technologies": ["python"],
    "license_type": "personal",
    "pricing_model": "one_time",
    "price_cents": 900,
}
FILES = {"dedupe.py": "print('dedupe')\n", "README.md": "# CSV Deduper\n"}


def make_user(db: Session, email: str, role: Role = Role.buyer) -> User:
    user = auth.register(session=db, email=email, password=PASSWORD, role=role)
    db.commit()
    return user


def zip_of(files: dict[str, str | bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def add_version(db: Session, seller: User, listing: Listing, version: str, files=None) -> int:
    outcome = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing.id,
        version=version,
        changelog=f"- {version}",
        uploads=[("code.zip", zip_of(files or FILES))],
    )
    listing_files.publish_scanned_version(session=db, seller=seller, version_id=outcome.version_id)
    db.commit()
    return outcome.version_id


def publish(db: Session, seller: User, *, files=None, version="1.0.0", **overrides) -> Listing:
    listing = catalog.create_listing(session=db, seller=seller, data={**LISTING, **overrides})
    db.commit()
    add_version(db, seller, listing, version, files)
    db.refresh(listing)
    return listing


def reload(db: Session, model, row_id):
    db.expire_all()
    return db.get(model, row_id)


@contextmanager
def configured(**env: str | None) -> Iterator[None]:
    """Set environment variables for the app's settings, restoring them afterwards."""
    from vibecoder.settings import get_settings

    saved = {key: os.environ.get(key) for key in env}
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


@pytest.fixture(name="stripe_fake")
def stripe_fake_fixture(services) -> Iterator[FakeStripe]:
    """The fake Stripe API running, and the app configured to use Stripe against it."""
    fake = FakeStripe()
    base = fake.start()
    fake.webhook_secret = "whsec_" + secrets.token_hex(16)  # type: ignore[attr-defined]
    with configured(
        STRIPE_SECRET_KEY=fake.api_key,
        STRIPE_WEBHOOK_SECRET=fake.webhook_secret,  # type: ignore[attr-defined]
        STRIPE_API_BASE=base,
        VIBECODER_PAYMENT_GATEWAY=None,
    ):
        yield fake
    fake.stop()


@pytest.fixture(name="api")
def api_fixture(services) -> Iterator[TestClient]:
    from vibecoder.api import build_api

    with TestClient(build_api(), raise_server_exceptions=False) as client:
        yield client


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header made by stripe-python's own helper."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def post_event(
    client: TestClient, event: dict, secret: str, *, timestamp: int | None = None, header=None
):
    body = json.dumps(event)
    return client.post(
        "/api/webhooks/stripe",
        content=body,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": header or sign(body, secret, timestamp),
        },
    )


def process_all(db: Session, *, timeout: float = 20.0) -> list[str]:
    """Apply every stored event, in this process or by a running worker, whichever comes first.

    Events that wait for an earlier one (NotReady) are retried until nothing is left; returns
    the outcomes of all events in id order. A Celery worker may be running (it is started once
    per test session), so outcomes are read back from the rows rather than from our calls.
    """
    deadline = time.monotonic() + timeout
    while True:
        db.expire_all()
        waiting = db.exec(
            select(ProcessedWebhookEvent.id)
            .where(ProcessedWebhookEvent.status == "received")
            .order_by(ProcessedWebhookEvent.id)
        ).all()
        if not waiting:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"events {waiting} were never applied")
        progressed = False
        for row_id in waiting:
            try:
                events.process_event(session=db, event_row_id=row_id)
                db.commit()
                progressed = True
            except errors.NotReady:
                db.rollback()
        if not progressed:
            time.sleep(0.05)
    db.expire_all()
    return [
        outcome or ""
        for outcome in db.exec(
            select(ProcessedWebhookEvent.outcome).order_by(ProcessedWebhookEvent.id)
        ).all()
    ]


def outcome_of(db: Session, event_id: str) -> str | None:
    db.expire_all()
    return db.exec(
        select(ProcessedWebhookEvent.outcome).where(ProcessedWebhookEvent.event_id == event_id)
    ).first()


def purchase_status(db: Session, purchase_id: int) -> str:
    db.expire_all()
    purchase = db.get(Purchase, purchase_id)
    return purchase.status if purchase else ""


def pay_as(api: TestClient, db: Session, buyer, path: str, card: str = "4242424242424242"):
    """Pay a test checkout the way its buyer does: signed in (anyone else gets a 404)."""
    from vibecoder.domain.accounts import auth

    api.cookies.set("vc_session", auth.create_session(session=db, user=buyer))
    db.commit()
    return api.post(path, data={"card_number": card}, follow_redirects=False)
