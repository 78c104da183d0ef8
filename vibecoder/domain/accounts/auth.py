"""Accounts and sign-in: argon2id passwords, server-side sessions, login throttling.

Bearer tokens (session tokens, API keys) are random and only their SHA-256 is stored, so a
database leak does not hand out logins. Every failure raises a ServiceError with a stable code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import (
    Conflict,
    PermissionDenied,
    RateLimited,
    ServiceError,
    ValidationFailed,
)
from vibecoder.infra import ratelimit
from vibecoder.models.users import Profile, Role, User, UserSession
from vibecoder.settings import get_settings

# OWASP's argon2id floor is m=19 MiB, t=2, p=1; these are above it and still ~50 ms here.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024 * 2, parallelism=1)
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
USERNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$")
# The browser cookie that carries the session token: HttpOnly, set only by the server's
# /api/auth routes (vibecoder/api/session.py), never by page JavaScript.
SESSION_COOKIE = "vc_session"
# What the Reflex websocket sees instead of the token (vibecoder/api/security.py rewrites the
# upgrade request's Cookie header): the token's SHA-256, which is what the database stores.
# It finds the session but is no credential itself (a cookie holding it is hashed again), so
# Reflex's pickled state in Redis never holds a usable token.
SESSION_HASH_COOKIE = "vc_session_sha256"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
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
    require_plain_text(
        email=email, password=password, username=username or "", display_name=display_name or ""
    )
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
    """Failed sign-ins, counted so that strangers cannot lock a user out.

    * per account *and address*: 5 failures lock that account from that address only;
    * per address: 20 failures lock the address (it is the real client behind trusted proxies);
    * per account from addresses it never signed in from: a high cap (20x) against a botnet,
      which does not apply where the owner signed in before (kept 30 days).
    """

    client: redis.Redis

    @staticmethod
    def _limits() -> tuple[str, str, str]:
        s = get_settings()
        per_pair = f"{s.login_max_failures_per_account} per {s.login_lockout_seconds} seconds"
        per_ip = f"{s.login_max_failures_per_ip} per {s.login_lockout_seconds} seconds"
        per_acct = f"{s.login_max_failures_per_account * 20} per {s.login_lockout_seconds} seconds"
        return per_pair, per_ip, per_acct

    def _known(self, email: str, ip: str | None) -> bool:
        return bool(self.client.sismember(f"login:known:{token_hash(email)}", token_hash(ip or "")))

    def _checks(self, email: str, ip: str | None) -> list[tuple[str, str, str, str]]:
        per_pair, per_ip, per_acct = self._limits()
        acct = token_hash(email)
        checks = [
            ("login-fail-pair", f"{acct}:{ip}", per_pair, "this account"),
            ("login-fail-ip", ip or "unknown", per_ip, "your network"),
        ]
        if not self._known(email, ip):
            checks.append(("login-fail-acct", acct, per_acct, "this account"))
        return checks

    def check(self, email: str, ip: str | None) -> None:
        for name, key, limit, who in self._checks(email, ip):
            if not ratelimit.allowed(name, key, limit=limit):
                raise RateLimited(
                    "too_many_attempts",
                    f"Too many failed sign-ins for {who}. Try again later.",
                    retry_after=ratelimit.retry_after(name, key, limit=limit),
                )

    def failed(self, email: str, ip: str | None) -> None:
        for name, key, limit, _ in self._checks(email, ip):
            ratelimit.hit(name, key, limit=limit)

    def succeeded(self, email: str, ip: str | None = None) -> None:
        per_pair = self._limits()[0]
        ratelimit.clear("login-fail-pair", f"{token_hash(email)}:{ip}", limit=per_pair)
        known = f"login:known:{token_hash(email)}"
        self.client.sadd(known, token_hash(ip or ""))
        self.client.expire(known, 30 * 86400)


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
    throttle.succeeded(email, ip)
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


def user_for_session_hash(*, session: Session, hashed: str | None) -> User | None:
    """The signed-in user for a session token's SHA-256 (what the websocket carries)."""
    if not hashed or not _SHA256_HEX.match(hashed):
        return None
    return session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == hashed,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > datetime.now(UTC),
            User.is_suspended.is_(False),
        )
    ).first()


def revoke_session(*, session: Session, token: str) -> None:
    revoke_session_hash(session=session, hashed=token_hash(token))


def revoke_session_hash(*, session: Session, hashed: str) -> None:
    session.exec(
        update(UserSession)
        .where(UserSession.token_hash == hashed, UserSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def revoke_all_sessions(*, session: Session, user: User, keep_hash: str | None = None) -> None:
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep_hash:
        query = query.where(UserSession.token_hash != keep_hash)
    session.exec(query.values(revoked_at=datetime.now(UTC)))


def session_hash_from_cookie_header(cookie_header: str | None) -> str | None:
    """The session hash the websocket middleware left in the Cookie header, if any."""
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_HASH_COOKIE and _SHA256_HEX.match(value):
            return value
    return None


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
                col(UserSession.expires_at) < now,
                col(UserSession.revoked_at) < now - REVOKED_SESSION_RETENTION,
            )
        )
    )
    return int(result.rowcount or 0)


def change_password(
    *,
    session: Session,
    user: User,
    current_password: str,
    new_password: str,
    keep_session_hash: str | None = None,
) -> None:
    """Change the password and end every session of the user but the one asking (by hash)."""
    require_plain_text(current_password=current_password, new_password=new_password)
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
    revoke_all_sessions(session=session, user=user, keep_hash=keep_session_hash)


def become_seller(*, session: Session, user: User) -> User:
    if user.role == Role.buyer:
        user.role = Role.seller
        session.add(user)
        session.flush()
    return user


# API keys live in api_keys.py; these names stay importable from here for existing callers.
from vibecoder.domain.accounts.api_keys import (  # noqa: E402, F401
    create_api_key,
    list_api_keys,
    revoke_api_key,
    user_for_api_key,
)
from vibecoder.errors import NotFound  # noqa: E402, F401 - what revoke_api_key raises


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).first()


# Sign-in and sign-up are plain form posts to /api/auth/* (so the server can set an HttpOnly
# cookie); a failure redirects back to the form with a "flash": the error and the email to
# refill, signed so nobody can craft a link that shows their own text on our sign-in page.
FLASH_TTL_SECONDS = 600


def _flash_mac(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"flash:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def sign_flash(data: dict[str, str]) -> str:
    body = json.dumps({**data, "t": int(time.time())}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_flash_mac(payload)}"


def read_flash(value: str | None) -> dict[str, str]:
    if not value or len(value) > 4000 or "." not in value:
        return {}
    payload, _, mac = value.rpartition(".")
    if not hmac.compare_digest(mac, _flash_mac(payload)):
        return {}
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return {}
    if not isinstance(data, dict) or time.time() - int(data.get("t", 0)) > FLASH_TTL_SECONDS:
        return {}
    return {str(k): str(v) for k, v in data.items() if k != "t"}


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
