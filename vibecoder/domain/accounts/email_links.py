"""Emailed single-use links: password reset, email verification and change of email.

A link carries a random token; only its SHA-256 is stored (account_tokens), with the address it
was mailed to. Opening a verification link proves that address: it becomes the account's email
(a change of email is applied only then). A reset link lasts 30 minutes, proves the address too,
and ends every session. The mail goes through `notifications.deliver` (SMTP, or the outbox dir),
in this process: the token never passes through Redis or a worker queue in clear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import redis
from sqlalchemy import func, update
from sqlmodel import Session, select

from vibecoder.domain.accounts import auth
from vibecoder.domain.accounts.notifications import build_message
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import Conflict, PermissionDenied, ValidationFailed
from vibecoder.infra import ratelimit
from vibecoder.models.users import AccountToken, Role, User
from vibecoder.settings import get_settings

RESET_TTL = timedelta(minutes=30)
VERIFY_TTL = timedelta(hours=48)
# Requests per email (and per client) per hour: enough for a typo, too few to mail-bomb anyone.
MAX_MAILS_PER_HOUR = 5
RESET_SENT_MESSAGE = (
    "If an account exists for that email, we sent it a link to choose a new password. "
    "The link works once, for 30 minutes."
)


@dataclass(frozen=True)
class Outgoing:
    """A mail to send once the transaction that created its token has committed."""

    message: EmailMessage


def _issue(*, session: Session, user: User, purpose: str, email: str) -> str:
    now = datetime.now(UTC)
    # A new link replaces the older ones of the same kind: only the latest mail works.
    session.exec(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=auth.token_hash(token),
            email=email,
            created_at=now,
            expires_at=now + (RESET_TTL if purpose == "reset" else VERIFY_TTL),
        )
    )
    session.flush()
    return token


def _throttle(client: redis.Redis, *keys: str) -> None:
    """At most MAX_MAILS_PER_HOUR mails per address (and per client): a typo is fine, mail-bombing
    someone is not. `client` is kept for callers; the limiter has its own Redis storage."""
    for key in keys:
        ratelimit.check(
            "mail",
            key,
            limit=f"{MAX_MAILS_PER_HOUR}/hour",
            message="Too many emails requested. Try again in an hour.",
        )


def request_password_reset(
    *, session: Session, redis_client: redis.Redis, email: str, ip: str | None
) -> Outgoing | None:
    """A reset mail for a known, active account; None otherwise (the caller says the same)."""
    require_plain_text(email=email)
    email = auth.normalize_email(email)
    if not auth.EMAIL_RE.match(email):
        raise ValidationFailed("invalid_email", "Enter a valid email address.", field="email")
    _throttle(redis_client, f"reset:{auth.token_hash(email)}", f"ip:{ip or 'unknown'}")
    user = auth.get_user_by_email(session=session, email=email)
    if user is None or user.is_suspended:
        return None
    token = _issue(session=session, user=user, purpose="reset", email=user.email)
    # In the fragment: browsers never send it to a server, so it stays out of access logs.
    link = f"{get_settings().public_url}/reset#token={token}"
    return Outgoing(
        build_message(
            to=user.email,
            subject="Choose a new VibeCoder password",
            body=(
                "Someone (hopefully you) asked to reset the password of your VibeCoder account.\n"
                "Open this link within 30 minutes to choose a new one; it works once.\n"
                "If it was not you, ignore this email: your password is unchanged."
            ),
            link=link,
        )
    )


def _redeem(*, session: Session, token: str, purpose: str) -> tuple[AccountToken, User]:
    invalid = ValidationFailed(
        "invalid_link",
        "This link is invalid, already used or expired. Ask for a new one.",
        field="token",
    )
    if not token or len(token) > 200:
        raise invalid
    row = session.exec(
        select(AccountToken)
        .where(AccountToken.token_hash == auth.token_hash(token), AccountToken.purpose == purpose)
        .with_for_update()
    ).first()
    now = datetime.now(UTC)
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise invalid
    user = session.get(User, row.user_id)
    if user is None or user.is_suspended:
        raise invalid
    return row, user


def reset_password(*, session: Session, token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link is spent and every session ends."""
    require_plain_text(new_password=new_password)
    row, user = _redeem(session=session, token=token, purpose="reset")
    auth.validate_password(new_password, email=user.email, username=user.username)
    now = datetime.now(UTC)
    user.password_hash = auth.hash_password(new_password)
    user.password_changed_at = now
    if row.email == user.email and user.email_verified_at is None:
        user.email_verified_at = now  # the mail reached its owner
    row.used_at = now
    session.add_all([user, row])
    auth.revoke_all_sessions(session=session, user=user)
    session.flush()
    return user


def verification_mail(*, session: Session, user: User, email: str | None = None) -> Outgoing:
    """A verification link for the account's email, or for a new address it wants."""
    target = auth.normalize_email(email or user.email)
    token = _issue(session=session, user=user, purpose="verify", email=target)
    # Opened by a plain HTTP route of the backend, which redirects to the account page.
    link = f"{get_settings().public_api_url}/api/account/verify?token={token}"
    changing = target != user.email
    body = (
        f"Confirm that {target} should become the email of your VibeCoder account "
        f"{user.username}. Until you do, your account keeps {user.email}."
        if changing
        else f"Confirm the email address of your VibeCoder account {user.username}. "
        "Sellers need a verified email to publish listings and receive payouts."
    )
    return Outgoing(
        build_message(to=target, subject="Confirm your email address", body=body, link=link)
    )


def send_verification(
    *, session: Session, redis_client: redis.Redis, user: User
) -> Outgoing | None:
    if user.email_verified_at is not None:
        return None
    _throttle(redis_client, f"verify:{user.id}")
    return verification_mail(session=session, user=user)


def request_email_change(
    *,
    session: Session,
    redis_client: redis.Redis,
    user: User,
    new_email: str,
    current_password: str,
) -> Outgoing:
    """Mail a verification link to the new address; the account keeps the old one until then."""
    require_plain_text(new_email=new_email, current_password=current_password)
    if not auth.check_password(user, current_password):
        raise ValidationFailed(
            "invalid_credentials", "Your current password is incorrect.", field="current_password"
        )
    new_email = auth.normalize_email(new_email)
    if not auth.EMAIL_RE.match(new_email) or len(new_email) > 320:
        raise ValidationFailed("invalid_email", "Enter a valid email address.", field="new_email")
    if new_email == user.email:
        raise ValidationFailed(
            "same_email", "This is already your email address.", field="new_email"
        )
    if auth.get_user_by_email(session=session, email=new_email) is not None:
        raise Conflict(
            "email_taken", "An account with this email already exists.", field="new_email"
        )
    _throttle(redis_client, f"verify:{user.id}")
    return verification_mail(session=session, user=user, email=new_email)


def verify_email(*, session: Session, token: str) -> User:
    """Open a verification link: the address it was sent to becomes the verified email."""
    row, user = _redeem(session=session, token=token, purpose="verify")
    now = datetime.now(UTC)
    if row.email != user.email:
        taken = session.exec(
            select(User.id).where(func.lower(User.email) == row.email, User.id != user.id)
        ).first()
        if taken:
            raise Conflict("email_taken", "Another account took this email in the meantime.")
        user.email = row.email
    user.email_verified_at = now
    row.used_at = now
    session.add_all([user, row])
    session.flush()
    return user


def sign_up(
    *,
    session: Session,
    email: str,
    password: str,
    username: str | None = None,
    seller: bool = False,
) -> tuple[User, Outgoing]:
    """Self-service sign-up: the account starts unverified and gets a verification mail."""
    user = auth.register(
        session=session,
        email=email,
        password=password,
        username=username,
        role=Role.seller if seller else Role.buyer,
        email_verified=False,
    )
    return user, verification_mail(session=session, user=user)


def require_verified_email(
    user: User, *, action: str = "publish listings or request payouts"
) -> None:
    if user.email_verified_at is None:
        raise PermissionDenied(
            "email_unverified",
            f"Verify your email address before you {action}: "
            "use the link we emailed you, or send a new one from your account page.",
        )
