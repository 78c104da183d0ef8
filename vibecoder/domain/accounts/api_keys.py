"""API keys for /api/v1: scopes fixed at creation, hashed at rest, revocable at once.

A key is `vck_` + 256 random bits. Only its SHA-256 is stored; the first 12 characters stay
visible so a person can tell keys apart on the account page. Every request re-reads the key row,
so a revoked key (or a suspended owner) is refused on the very next call, with no cache to expire.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from vibecoder.errors import NotFound, ValidationFailed
from vibecoder.infra import ratelimit
from vibecoder.models.users import ApiKey, User

API_KEY_PREFIX = "vck_"
# What a key may do. `read` is implied by every other scope's endpoints only where they read.
SCOPES: tuple[str, ...] = ("read", "purchase", "sell", "build", "sandbox")
MAX_ACTIVE_KEYS = 20
# last_used_at/ip are written at most this often per key, so a busy script does not turn every
# request into a row update (the account page shows minutes, not milliseconds).
LAST_USED_RESOLUTION = timedelta(seconds=30)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(raw: str | Iterable[str] | None) -> list[str]:
    """Scopes from "read,purchase" or a list; unknown names are an error, not silently dropped."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    chosen = {str(item).strip().lower() for item in items if str(item).strip()}
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        raise ValidationFailed(
            "invalid_scope",
            f"Unknown scope {', '.join(unknown)}; choose from {', '.join(SCOPES)}.",
            field="scopes",
        )
    if not chosen:
        raise ValidationFailed("no_scopes", "Choose at least one scope.", field="scopes")
    return [scope for scope in SCOPES if scope in chosen]


def create_api_key(
    *, session: Session, user: User, name: str, scopes: str | Iterable[str] | None = ("read",)
) -> tuple[str, ApiKey]:
    """Create an API key; the plaintext is returned once and never stored."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise ValidationFailed("invalid_name", "Name the key (1–80 characters).", field="name")
    chosen = parse_scopes(scopes)
    active = session.exec(
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
    ).one()
    if active >= MAX_ACTIVE_KEYS:
        raise ValidationFailed("too_many_keys", "Revoke an unused key before creating another.")
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=plaintext[:12],
        key_hash=_hash(plaintext),
        scopes=chosen,
    )
    session.add(key)
    session.flush()
    return plaintext, key


def list_api_keys(*, session: Session, user: User) -> list[ApiKey]:
    return list(
        session.exec(
            select(ApiKey)
            .where(ApiKey.user_id == user.id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
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


@dataclass(frozen=True)
class Principal:
    """Who is calling the API and what they may do."""

    user: User
    scopes: frozenset[str]
    key_id: int | None  # None: the browser's session cookie (every scope, CSRF-checked)

    @property
    def rate_subject(self) -> str:
        return f"key:{self.key_id}" if self.key_id is not None else f"user:{self.user.id}"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def authenticate(
    *, session: Session, key: str | None, ip: str | None = None, now: datetime | None = None
) -> Principal | None:
    """The principal of a bearer key, or None when unknown, revoked or its owner is suspended."""
    if not key or not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    row = session.exec(
        select(ApiKey, User)
        .join(User, User.id == ApiKey.user_id)
        .where(
            ApiKey.key_hash == _hash(key),
            ApiKey.revoked_at.is_(None),
            User.is_suspended.is_(False),
        )
    ).first()
    if row is None:
        return None
    api_key, user = row
    now = now or datetime.now(UTC)
    ip = (ip or None) and ip[:64]
    stale = api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION
    if stale or api_key.last_used_ip != ip:
        session.exec(
            update(ApiKey).where(ApiKey.id == api_key.id).values(last_used_at=now, last_used_ip=ip)
        )
    return Principal(user=user, scopes=frozenset(api_key.scopes or ()), key_id=api_key.id)


def session_principal(user: User) -> Principal:
    """The signed-in browser acts with every scope of its own account."""
    return Principal(user=user, scopes=frozenset(SCOPES), key_id=None)


def user_for_api_key(*, session: Session, key: str | None) -> User | None:
    principal = authenticate(session=session, key=key)
    return principal.user if principal else None


def check_rate(*, subject: str, limit: int, window_seconds: int) -> None:
    """The one place API limits are counted (per key, per signed-in user, or per address),
    atomically on Redis through infra.ratelimit (the `limits` library)."""
    ratelimit.check(
        "api",
        subject,
        limit=f"{limit}/{window_seconds} second",
        message=f"Too many requests: at most {limit} every {window_seconds} s. Slow down.",
    )
