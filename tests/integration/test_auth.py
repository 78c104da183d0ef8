"""Accounts, sessions, throttling and API keys against the real database and Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from vibecoder.domain.accounts import auth
from vibecoder.domain.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed
from vibecoder.models.users import ApiKey, Profile, User, UserSession

PASSWORD = "tangerine-bicycle-42"


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def _register(db, email="ada@example.com", password=PASSWORD, username=None):
    user = auth.register(session=db, email=email, password=password, username=username)
    db.commit()
    return user


def test_register_stores_argon2id_hash_and_profile(db):
    user = _register(db, username="ada")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    profile = db.get(Profile, user.id)
    assert profile is not None and profile.display_name == "ada"
    assert user.role == "buyer"


def test_duplicate_email_is_refused_case_insensitively_and_stores_nothing(db):
    _register(db)
    with pytest.raises(Conflict) as err:
        auth.register(session=db, email="ADA@Example.com ", password=PASSWORD)
    db.rollback()
    assert err.value.code == "email_taken"
    assert _count(db, User) == 1
    assert _count(db, Profile) == 1


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "at least"),
        ("password123", "too easy"),
        ("aaaaaaaaaaaa", "too easy"),
        ("ada-lovelace-99", "must not contain"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(db, password, fragment):
    with pytest.raises(ValidationFailed) as err:
        auth.register(session=db, email="ada.lovelace@example.com", password=password)
    db.rollback()
    assert err.value.code == "weak_password"
    assert fragment in err.value.message
    assert _count(db, User) == 0


def test_invalid_email_and_username_are_refused(db):
    with pytest.raises(ValidationFailed) as err:
        auth.register(session=db, email="not-an-email", password=PASSWORD)
    assert err.value.field == "email"
    with pytest.raises(ValidationFailed) as err:
        auth.register(session=db, email="x@example.com", password=PASSWORD, username="Bad Name!")
    assert err.value.field == "username"
    db.rollback()
    assert _count(db, User) == 0


def test_wrong_password_and_unknown_email_fail_alike(db, redis_client):
    _register(db)
    messages = []
    for email, password in (
        ("ada@example.com", "wrong-password-1"),
        ("nobody@example.com", PASSWORD),
    ):
        with pytest.raises(auth.AuthError) as err:
            auth.authenticate(
                session=db, redis_client=redis_client, email=email, password=password, ip="10.0.0.1"
            )
        messages.append((err.value.code, err.value.message))
    assert messages[0] == messages[1] == ("invalid_credentials", "Email or password is incorrect.")


def test_login_creates_a_session_that_resolves_until_logout(db, redis_client):
    user = _register(db)
    signed_in = auth.authenticate(
        session=db, redis_client=redis_client, email="Ada@example.com", password=PASSWORD, ip=None
    )
    token = auth.create_session(session=db, user=signed_in)
    db.commit()
    assert len(token) >= 32
    stored = db.exec(select(UserSession)).one()
    assert stored.token_hash != token and stored.token_hash == auth.token_hash(token)
    assert auth.user_for_session(session=db, token=token).id == user.id
    auth.revoke_session(session=db, token=token)
    db.commit()
    assert auth.user_for_session(session=db, token=token) is None


def test_expired_session_is_rejected(db):
    user = _register(db)
    token = auth.create_session(session=db, user=user)
    row = db.exec(select(UserSession)).one()
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.add(row)
    db.commit()
    assert auth.user_for_session(session=db, token=token) is None
    assert auth.user_for_session(session=db, token="forged-token") is None


def test_password_change_revokes_every_other_session(db):
    user = _register(db)
    old_tokens = [auth.create_session(session=db, user=user) for _ in range(2)]
    current = auth.create_session(session=db, user=user)
    db.commit()
    with pytest.raises(auth.AuthError):
        auth.change_password(
            session=db, user=user, current_password="nope-nope-nope", new_password="a-new-secret-77"
        )
    auth.change_password(
        session=db,
        user=user,
        current_password=PASSWORD,
        new_password="a-new-secret-77",
        keep_session_hash=auth.token_hash(current),
    )
    db.commit()
    assert all(auth.user_for_session(session=db, token=t) is None for t in old_tokens)
    # The device that changed the password stays signed in (its cookie is HttpOnly: the
    # websocket could not hand it a new one), found by the hash the websocket carries.
    hashed = auth.token_hash(current)
    assert auth.user_for_session_hash(session=db, hashed=hashed).id == user.id
    assert auth.user_for_session_hash(session=db, hashed=current) is None


def test_account_lockout_after_repeated_failures(db, redis_client):
    _register(db)
    for _ in range(5):
        with pytest.raises(auth.AuthError):
            auth.authenticate(
                session=db,
                redis_client=redis_client,
                email="ada@example.com",
                password="wrong-password-1",
                ip="10.0.0.2",
            )
    # Even the right password is refused from that address while locked, with a retry time.
    with pytest.raises(RateLimited) as err:
        auth.authenticate(
            session=db,
            redis_client=redis_client,
            email="ada@example.com",
            password=PASSWORD,
            ip="10.0.0.2",
        )
    assert err.value.code == "too_many_attempts"
    assert 0 < err.value.retry_after <= 15 * 60
    # A stranger's failures do not lock the owner out from their own address.
    user = auth.authenticate(
        session=db,
        redis_client=redis_client,
        email="ada@example.com",
        password=PASSWORD,
        ip="10.0.0.3",
    )
    assert user.email == "ada@example.com"


def test_ip_lockout_spans_accounts(db, redis_client):
    for attempt in range(20):
        with pytest.raises(auth.AuthError):
            auth.authenticate(
                session=db,
                redis_client=redis_client,
                email=f"guess{attempt}@example.com",
                password="wrong-password-1",
                ip="192.0.2.9",
            )
    with pytest.raises(RateLimited):
        auth.authenticate(
            session=db,
            redis_client=redis_client,
            email="other@example.com",
            password="wrong-password-1",
            ip="192.0.2.9",
        )


def test_suspended_user_cannot_sign_in_and_loses_sessions(db, redis_client):
    user = _register(db)
    token = auth.create_session(session=db, user=user)
    user.is_suspended = True
    db.add(user)
    db.commit()
    with pytest.raises(PermissionDenied):
        auth.authenticate(
            session=db, redis_client=redis_client, email=user.email, password=PASSWORD, ip=None
        )
    assert auth.user_for_session(session=db, token=token) is None


def test_api_key_shown_once_stored_hashed_and_revocable(db):
    user = _register(db)
    plaintext, key = auth.create_api_key(session=db, user=user, name="CI")
    db.commit()
    assert plaintext.startswith("vck_")
    assert db.exec(select(ApiKey)).one().key_hash == auth.token_hash(plaintext)
    assert auth.user_for_api_key(session=db, key=plaintext).id == user.id
    auth.revoke_api_key(session=db, user=user, key_id=key.id)
    db.commit()
    assert auth.user_for_api_key(session=db, key=plaintext) is None


def test_api_key_of_another_user_cannot_be_revoked(db):
    owner = _register(db)
    other = _register(db, email="eve@example.com")
    plaintext, key = auth.create_api_key(session=db, user=owner, name="laptop")
    db.commit()
    with pytest.raises(auth.NotFound):
        auth.revoke_api_key(session=db, user=other, key_id=key.id)
    assert auth.user_for_api_key(session=db, key=plaintext).id == owner.id


def test_buyer_becomes_seller(db):
    user = _register(db)
    auth.become_seller(session=db, user=user)
    db.commit()
    assert db.get(User, user.id).role == "seller"
