"""Accounts: users with roles, public profiles, server-side sessions and API keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import json_field, timestamp_field


class Role(StrEnum):
    buyer = "buyer"
    seller = "seller"
    admin = "admin"


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        sa.Index("uq_users_email_lower", sa.text("lower(email)"), unique=True),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.CheckConstraint("role in ('buyer','seller','admin')", name="ck_users_role"),
    )

    # email and username first: the column order the table was created with.
    email: str = Field(max_length=320)
    username: str = Field(max_length=40)
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.buyer, max_length=16)
    is_suspended: bool = Field(default=False)
    suspended_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp_field()
    password_changed_at: datetime = timestamp_field()
    # When the current email address was proven (a link from a mail to it was opened); None
    # blocks publishing and payouts.
    email_verified_at: datetime | None = timestamp_field(nullable=True)


class Profile(SQLModel, table=True):
    __tablename__ = "profiles"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    display_name: str = Field(max_length=80)
    bio: str = Field(default="", max_length=2000)
    avatar_url: str | None = Field(default=None, max_length=500)
    links: list = json_field(default_factory=list)
    timezone: str = Field(default="UTC", max_length=64)
    updated_at: datetime = timestamp_field()


class UserSession(SQLModel, table=True):
    """A login. Only the SHA-256 of the bearer token is stored."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field(index=True)
    revoked_at: datetime | None = timestamp_field(nullable=True)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class ApiKey(SQLModel, table=True):
    """A programmatic login for /api/v1: only the SHA-256 is stored, the prefix stays visible."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    last_used_at: datetime | None = timestamp_field(nullable=True)
    revoked_at: datetime | None = timestamp_field(nullable=True)
    # What the key may do (read, purchase, sell, build, sandbox), fixed when it is created.
    scopes: list = json_field(default_factory=lambda: ["read"])
    last_used_ip: str | None = Field(default=None, max_length=64)


class AccountToken(SQLModel, table=True):
    """A single-use emailed link: a password reset or an email verification.

    Only the SHA-256 of the token is stored; `email` is the address the link was sent to, so a
    verification proves that address (a changed email is applied only when its link is opened).
    """

    __tablename__ = "account_tokens"
    __table_args__ = (
        sa.CheckConstraint("purpose in ('reset','verify')", name="ck_account_tokens_purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=320)
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()
    used_at: datetime | None = timestamp_field(nullable=True)
