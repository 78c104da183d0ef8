"""Password reset, email verification and change of email, with mails read from the outbox."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from vibecoder.domain.accounts import auth, email_links
from vibecoder.domain.accounts.notifications import deliver
from vibecoder.domain.commerce import ledger
from vibecoder.errors import Conflict, PermissionDenied, ValidationFailed
from vibecoder.models.users import AccountToken, User, UserSession

PASSWORD = "tangerine-bicycle-42"


def _sent_link(outgoing) -> str:
    path = deliver(outgoing.message)
    with open(path, "rb") as handle:
        text = email.message_from_binary_file(handle).get_payload(decode=True).decode()
    return re.search(r"https?://\S+", text).group(0)


def _token(link: str) -> str:
    return re.search(r"token=([\w-]+)", link).group(1)


def test_zxcvbn_refuses_guessable_passwords_with_its_advice(db):
    for weak in ("password123", "qwertyuiop12", "abcabcabcabc"):
        with pytest.raises(ValidationFailed) as err:
            auth.register(session=db, email="z@example.com", password=weak)
        assert err.value.code == "weak_password" and "too easy" in err.value.message
    db.rollback()
    assert auth.register(session=db, email="z@example.com", password="orchard-lantern-passphrase")


def test_password_reset_is_single_use_expires_and_ends_sessions(db, redis_client):
    user = auth.register(session=db, email="reset@example.com", password=PASSWORD)
    old_session = auth.create_session(session=db, user=user)
    db.commit()
    # Unknown emails get no mail (and the page says the same thing either way).
    assert (
        email_links.request_password_reset(
            session=db, redis_client=redis_client, email="nobody@example.com", ip="1.1.1.1"
        )
        is None
    )
    outgoing = email_links.request_password_reset(
        session=db, redis_client=redis_client, email="RESET@example.com", ip="1.1.1.1"
    )
    db.commit()
    link = _sent_link(outgoing)
    assert "/reset#token=" in link
    token = _token(link)
    stored = db.exec(select(AccountToken)).one()
    assert stored.token_hash != token and token not in stored.token_hash  # only a hash is kept

    with pytest.raises(ValidationFailed):  # a weak new password spends nothing
        email_links.reset_password(session=db, token=token, new_password="password1234")
    db.rollback()
    email_links.reset_password(session=db, token=token, new_password="copper-meadow-2026")
    db.commit()
    db.refresh(user)
    assert auth.check_password(user, "copper-meadow-2026")
    assert auth.user_for_session(session=db, token=old_session) is None
    with pytest.raises(ValidationFailed) as err:  # single use
        email_links.reset_password(session=db, token=token, new_password="violet-harbour-2026")
    assert err.value.code == "invalid_link"
    db.rollback()

    # Expired after 30 minutes.
    outgoing = email_links.request_password_reset(
        session=db, redis_client=redis_client, email="reset@example.com", ip="1.1.1.1"
    )
    db.commit()
    late = _token(_sent_link(outgoing))
    db.exec(
        update(AccountToken)
        .where(AccountToken.used_at.is_(None))
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.commit()
    with pytest.raises(ValidationFailed):
        email_links.reset_password(session=db, token=late, new_password="violet-harbour-2026")
    db.rollback()
    assert db.exec(select(UserSession).where(UserSession.revoked_at.is_(None))).first() is None


def test_reset_requests_are_rate_limited(db, redis_client):
    auth.register(session=db, email="many@example.com", password=PASSWORD)
    db.commit()
    for _ in range(email_links.MAX_MAILS_PER_HOUR):
        email_links.request_password_reset(
            session=db, redis_client=redis_client, email="many@example.com", ip="2.2.2.2"
        )
    from vibecoder.errors import RateLimited

    with pytest.raises(RateLimited):
        email_links.request_password_reset(
            session=db, redis_client=redis_client, email="many@example.com", ip="2.2.2.2"
        )


def test_self_signup_must_verify_before_publishing_or_payouts(db):
    from tests.integration.test_catalog import LISTING, zip_bytes
    from vibecoder.domain.catalog import files as listing_files
    from vibecoder.domain.catalog import listings as catalog

    seller, outgoing = email_links.sign_up(
        session=db, email="new@example.com", password=PASSWORD, seller=True
    )
    db.commit()
    assert seller.email_verified_at is None
    listing = catalog.create_listing(session=db, seller=seller, data=LISTING)
    added = listing_files.add_uploaded_version(
        session=db,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog="",
        uploads=[("code.zip", zip_bytes({"main.py": "print(1)\n"}))],
    )
    db.commit()
    with pytest.raises(PermissionDenied) as err:
        listing_files.publish_scanned_version(
            session=db, seller=seller, version_id=added.version_id
        )
    assert err.value.code == "email_unverified"
    db.rollback()
    with pytest.raises(PermissionDenied):
        ledger.request_payout(session=db, seller=seller, currency="usd")
    db.rollback()

    link = _sent_link(outgoing)
    assert "/api/account/verify?token=" in link
    from starlette.testclient import TestClient

    from vibecoder.api import build_api

    client = TestClient(build_api())
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/account?email=verified")
    again = client.get("/api/account/verify?token=" + _token(link), follow_redirects=False)
    assert again.headers["location"].endswith("/account?email=invalid")
    db.expire_all()
    seller = db.get(User, seller.id)
    assert seller.email_verified_at is not None
    listing_files.publish_scanned_version(session=db, seller=seller, version_id=added.version_id)
    db.commit()


def test_change_of_email_applies_only_when_the_new_address_is_verified(db, redis_client):
    user = auth.register(session=db, email="old@example.com", password=PASSWORD)
    auth.register(session=db, email="taken@example.com", password=PASSWORD)
    db.commit()
    with pytest.raises(ValidationFailed):
        email_links.request_email_change(
            session=db,
            redis_client=redis_client,
            user=user,
            new_email="new@example.com",
            current_password="wrong-password-1",
        )
    with pytest.raises(Conflict):
        email_links.request_email_change(
            session=db,
            redis_client=redis_client,
            user=user,
            new_email="Taken@example.com",
            current_password=PASSWORD,
        )
    outgoing = email_links.request_email_change(
        session=db,
        redis_client=redis_client,
        user=user,
        new_email="New@Example.com",
        current_password=PASSWORD,
    )
    db.commit()
    assert outgoing.message["To"] == "new@example.com"
    db.refresh(user)
    assert user.email == "old@example.com"  # unchanged until the link is opened
    email_links.verify_email(session=db, token=_token(_sent_link(outgoing)))
    db.commit()
    db.refresh(user)
    assert user.email == "new@example.com" and user.email_verified_at is not None
    assert auth.get_user_by_email(session=db, email="old@example.com") is None
