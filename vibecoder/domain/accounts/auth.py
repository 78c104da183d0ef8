"""Accounts and sign-in: argon2id passwords, server-side sessions, login throttling, API keys.

Bearer tokens (session tokens, API keys) are random and only their SHA-256 is stored, so a
database leak does not hand out logins. Every failure raises a ServiceError with a stable code.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from zxcvbn import zxcvbn

from vibecoder.domain.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceError,
    ValidationFailed,
)
from vibecoder.infra import ratelimit
from vibecoder.models.users import ApiKey, Profile, Role, User, UserSession
from vibecoder.settings import get_settings

# OWASP's argon2id floor is m=19 MiB, t=2, p=1; these are above it and still ~50 ms here.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024 * 2, parallelism=1)
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$")
API_KEY_PREFIX = "vck_"
# The browser cookie that carries the session token (set by the Reflex app, read by HTTP routes).
SESSION_COOKIE = "vc_session"
# zxcvbn scores 0-4 (guesses < 10^3 ... > 10^10); 3 resists an offline attack on a slow hash.
MIN_PASSWORD_SCORE = 3
# Revoked sessions are kept a while so "signed out elsewhere" stays explainable in support.
REVOKED_SESSION_RETENTION = timedelta(days=7)


class AuthError(ServiceError):
    status_code = 401


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def validate_password(password: str, *, email: str = "", username: str = "") -> None:
    settings = get_settings()
    if len(password) < settings.min_password_length:
        raise ValidationFailed(
            "weak_password",
            f"Use at least {settings.min_password_length} characters.",
            field="password",
        )
    if len(password) > 256:
        raise ValidationFailed("weak_password", "Use at most 256 characters.", field="password")
    lowered = password.lower()
    # Compare letters and digits only, so "ada.lovelace" is caught in "Ada-Lovelace-99".
    letters = re.sub(r"[^a-z0-9]", "", lowered)
    personal = [re.sub(r"[^a-z0-9]", "", part.lower()) for part in (email.split("@")[0], username)]
    if any(len(part) >= 4 and part in letters for part in personal):
        raise ValidationFailed(
            "weak_password",
            "Your password must not contain your email or username.",
            field="password",
        )
    # zxcvbn's cost grows with length; the first 100 characters decide any realistic password.
    result = zxcvbn(password[:100], user_inputs=[p for p in (email, username) if p])
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result.get("feedback") or {}
        hints = [feedback.get("warning") or ""] + list(feedback.get("suggestions") or [])[:1]
        hint = " ".join(h for h in hints if h) or "Add another word or two."
        raise ValidationFailed(
            "weak_password", f"This password is too easy to guess. {hint}", field="password"
        )


def _suggest_username(session: Session, email: str) -> str:
    base = re.sub(r"[^a-z0-9_-]", "", email.split("@")[0].lower())[:24] or "user"
    if len(base) < 3:
        base = (base + "user")[:24]
    candidate = base
    while session.exec(select(User.id).where(User.username == candidate)).first():
        candidate = f"{base}{secrets.randbelow(9000) + 1000}"
    return candidate


def register(
    *,
    session: Session,
    email: str,
    password: str,
    username: str | None = None,
    display_name: str | None = None,
    role: Role = Role.buyer,
    email_verified: bool = True,
) -> User:
    """Create an account. `email_verified` is the caller's word on the address: operators
    (createuser, imports, the demo seed) vouch for it; self-service sign-up
    (`email_links.sign_up`) passes False and mails a verification link."""
    email = normalize_email(email)
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise ValidationFailed("invalid_email", "Enter a valid email address.", field="email")
    username = (username or "").strip().lower() or _suggest_username(session, email)
    if not USERNAME_RE.match(username):
        raise ValidationFailed(
            "invalid_username",
            "Usernames are 3–32 lowercase letters, digits, - or _.",
            field="username",
        )
    validate_password(password, email=email, username=username)
    if session.exec(select(User.id).where(func.lower(User.email) == email)).first():
        raise Conflict("email_taken", "An account with this email already exists.", field="email")
    if session.exec(select(User.id).where(User.username == username)).first():
        raise Conflict("username_taken", "This username is taken.", field="username")
    user = User(
        email=email,
        username=username,
        password_hash=hash_password(password),
        role=role,
        email_verified_at=datetime.now(UTC) if email_verified else None,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        # Two sign-ups racing for the same email: the unique index decides.
        session.rollback()
        raise Conflict("email_taken", "An account with this email already exists.") from exc
    session.add(Profile(user_id=user.id, display_name=(display_name or username)[:80]))
    session.flush()
    return user


@dataclass(frozen=True)
class LoginThrottle:
    client: redis.Redis

    @staticmethod
    def _keys(email: str, ip: str | None) -> tuple[str, str]:
        return f"login:fail:acct:{token_hash(email)}", f"login:fail:ip:{ip or 'unknown'}"

    def check(self, email: str, ip: str | None) -> None:
        settings = get_settings()
        account_key, ip_key = self._keys(email, ip)
        if ratelimit.count(self.client, account_key) >= settings.login_max_failures_per_account:
            raise RateLimited(
                "too_many_attempts",
                "Too many failed sign-ins for this account. Try again later.",
                retry_after=ratelimit.retry_after(self.client, account_key),
            )
        if ratelimit.count(self.client, ip_key) >= settings.login_max_failures_per_ip:
            raise RateLimited(
                "too_many_attempts",
                "Too many failed sign-ins from your network. Try again later.",
                retry_after=ratelimit.retry_after(self.client, ip_key),
            )

    def failed(self, email: str, ip: str | None) -> None:
        window = get_settings().login_lockout_seconds
        for key in self._keys(email, ip):
            ratelimit.hit(self.client, key, window_seconds=window)

    def succeeded(self, email: str) -> None:
        ratelimit.clear(self.client, self._keys(email, None)[0])


def authenticate(
    *, session: Session, redis_client: redis.Redis, email: str, password: str, ip: str | None
) -> User:
    email = normalize_email(email)
    throttle = LoginThrottle(redis_client)
    throttle.check(email, ip)
    user = session.exec(select(User).where(func.lower(User.email) == email)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        valid = user is not None
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid:
        throttle.failed(email, ip)
        # Same message for unknown email and wrong password: no account enumeration.
        raise AuthError("invalid_credentials", "Email or password is incorrect.")
    assert user is not None
    if user.is_suspended:
        raise PermissionDenied("account_suspended", "This account is suspended.")
    throttle.succeeded(email)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def create_session(
    *, session: Session, user: User, ip: str | None = None, user_agent: str | None = None
) -> str:
    """Start a login and return its bearer token (128+ bits, never stored in clear)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=get_settings().session_ttl_hours),
            ip=(ip or None) and ip[:64],
            user_agent=(user_agent or None) and user_agent[:300],
        )
    )
    session.flush()
    return token


def user_for_session(*, session: Session, token: str | None) -> User | None:
    """The signed-in user of a session token, or None when unknown, expired or revoked."""
    if not token or len(token) > 200:
        return None
    now = datetime.now(UTC)
    row = session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == token_hash(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
            User.is_suspended.is_(False),
        )
    ).first()
    return row


def revoke_session(*, session: Session, token: str) -> None:
    session.exec(
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def revoke_all_sessions(*, session: Session, user: User) -> None:
    session.exec(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def purge_expired_sessions(*, session: Session, now: datetime | None = None) -> int:
    """Delete sessions past expiry or long revoked; idempotent, safe to retry. Returns how many."""
    now = now or datetime.now(UTC)
    result = session.exec(
        delete(UserSession).where(
            or_(
                UserSession.expires_at < now,
                UserSession.revoked_at < now - REVOKED_SESSION_RETENTION,
            )
        )
    )
    return int(result.rowcount or 0)


def change_password(
    *, session: Session, user: User, current_password: str, new_password: str
) -> str:
    """Change the password, end every session of the user, and return a fresh token."""
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError) as exc:
        raise AuthError(
            "invalid_credentials", "Your current password is incorrect.", field="current_password"
        ) from exc
    if current_password == new_password:
        raise ValidationFailed(
            "same_password", "Choose a password you have not used here.", field="new_password"
        )
    validate_password(new_password, email=user.email, username=user.username)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = datetime.now(UTC)
    session.add(user)
    revoke_all_sessions(session=session, user=user)
    return create_session(session=session, user=user)


def become_seller(*, session: Session, user: User) -> User:
    if user.role == Role.buyer:
        user.role = Role.seller
        session.add(user)
        session.flush()
    return user


def create_api_key(*, session: Session, user: User, name: str) -> tuple[str, ApiKey]:
    """Create an API key; the plaintext is returned once and never stored."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise ValidationFailed("invalid_name", "Name the key (1–80 characters).", field="name")
    active = session.exec(
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
    ).one()
    if active >= 20:
        raise ValidationFailed("too_many_keys", "Revoke an unused key before creating another.")
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(user_id=user.id, name=name, prefix=plaintext[:12], key_hash=token_hash(plaintext))
    session.add(key)
    session.flush()
    return plaintext, key


def list_api_keys(*, session: Session, user: User) -> list[ApiKey]:
    return list(
        session.exec(
            select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at.desc())
        )
    )


def revoke_api_key(*, session: Session, user: User, key_id: int) -> None:
    key = session.get(ApiKey, key_id)
    # Another user's key id looks exactly like a missing one.
    if key is None or key.user_id != user.id:
        raise NotFound("api_key_not_found", "No such API key.")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        session.add(key)
        session.flush()


def user_for_api_key(*, session: Session, key: str | None) -> User | None:
    if not key or not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    row = session.exec(
        select(ApiKey, User)
        .join(User, User.id == ApiKey.user_id)
        .where(
            ApiKey.key_hash == token_hash(key),
            ApiKey.revoked_at.is_(None),
            User.is_suspended.is_(False),
        )
    ).first()
    if row is None:
        return None
    api_key, user = row
    api_key.last_used_at = datetime.now(UTC)
    session.add(api_key)
    return user


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).first()
