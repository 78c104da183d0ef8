"""The account page: profile, password, seller upgrade and API keys of the signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx
from pydantic import BaseModel

from vibecoder.domain import dates
from vibecoder.domain.accounts import api_keys, auth, profiles
from vibecoder.infra import ratelimit
from vibecoder.settings import get_settings
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    from vibecoder.models.users import ApiKey, User


class ApiKeyRow(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: str
    created: str
    last_used: str
    revoked: bool


class AccountState(AuthState):
    member_since: str = ""
    bio: str = ""
    avatar_url: str = ""
    links: str = ""
    profile_message: str = ""
    password_error: str = ""
    password_message: str = ""
    api_keys: list[ApiKeyRow] = []
    api_key_error: str = ""

    @rx.event
    async def load(self):
        def open_account(session: Session, user: User):
            return (
                profiles.own_profile(session=session, user=user),
                _key_rows(api_keys.list_api_keys(session=session, user=user), _zone(session, user)),
                dates.local(user.created_at, _zone(session, user), dates.MONTH),
            )

        outcome = await self._call(open_account, error=None)
        if outcome.signed_out:
            return self._signin_redirect("/account")
        profile, self.api_keys, self.member_since = outcome.value
        self.bio, self.avatar_url = profile.bio, profile.avatar_url
        self.links = "\n".join(profile.links)

    @rx.event
    async def save_profile(self, form: dict):
        display_name = str(form.get("display_name", "")).strip()
        bio = str(form.get("bio", "")).strip()
        avatar_url = str(form.get("avatar_url", "")).strip()
        links = [line.strip() for line in str(form.get("links", "")).splitlines() if line.strip()]
        outcome = await self._call(
            lambda session, user: profiles.save_profile(
                session=session,
                user=user,
                display_name=display_name,
                bio=bio,
                avatar_url=avatar_url,
                links=links,
            ),
            error="profile_message",
        )
        if outcome.signed_out:
            return rx.redirect("/signin")
        if not outcome.ok:
            return
        self.avatar_url, self.links = avatar_url, "\n".join(links)
        self.display_name = display_name
        self.bio = bio
        self.profile_message = "Profile saved."

    @rx.event
    async def change_password(self, form: dict):
        self.password_error = self.password_message = ""
        if form.get("new_password") != form.get("new_password_confirm"):
            if await self._current_user() is None:
                return rx.redirect("/signin")
            self.password_error = "The two new passwords do not match."
            return
        keep = self._session_hash()

        def change(session: Session, user: User) -> None:
            # A stolen session cannot guess the current password at speed.
            ratelimit.check(
                "password-change",
                str(user.id),
                limit=f"{get_settings().password_changes_per_user_per_hour}/hour",
                message="Too many password changes; try again later.",
            )
            auth.change_password(
                session=session,
                user=user,
                current_password=str(form.get("current_password", "")),
                new_password=str(form.get("new_password", "")),
                keep_session_hash=keep,
            )

        # argon2 twice (check the old, hash the new): in the worker thread.
        outcome = await self._call(change, error="password_error", heavy=True)
        if outcome.signed_out:
            return rx.redirect("/signin")
        if not outcome.ok:
            return
        self.password_message = "Password changed. Other devices were signed out."

    @rx.event
    async def become_seller(self):
        outcome = await self._call(
            lambda session, user: auth.become_seller(session=session, user=user), error=None
        )
        if outcome.signed_out:
            return rx.redirect("/signin")
        if not outcome.ok:
            return rx.toast.error(outcome.error.message)
        self.role = "seller"
        return rx.toast.success("You can now sell on VibeCoder.")

    @rx.event
    async def load_keys(self):
        """The table again, after the page's script created a key (assets/account_keys.js)."""
        self.api_key_error = ""
        outcome = await self._call(
            lambda session, user: _key_rows(
                api_keys.list_api_keys(session=session, user=user), _zone(session, user)
            ),
            error="api_key_error",
        )
        if outcome.ok:
            self.api_keys = outcome.value

    @rx.event
    async def revoke_api_key(self, key_id: int):
        def revoke(session: Session, user: User) -> list[ApiKeyRow]:
            api_keys.revoke_api_key(session=session, user=user, key_id=int(key_id))
            keys = api_keys.list_api_keys(session=session, user=user)
            return _key_rows(keys, _zone(session, user))

        outcome = await self._call(revoke, error="api_key_error")
        if outcome.signed_out:
            return rx.redirect("/signin")
        if outcome.ok:
            self.api_keys = outcome.value


def _zone(session: Session, user: User) -> ZoneInfo:
    return dates.zone_of(session, user.id)


def _key_rows(keys: list[ApiKey], tz: ZoneInfo) -> list[ApiKeyRow]:
    return [
        ApiKeyRow(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            scopes=", ".join(key.scopes or []),
            created=dates.local(key.created_at, tz, dates.DATE),
            last_used=(
                # The zone named: the page shows the account's zone, UTC unless it has one.
                f"{dates.local(key.last_used_at, tz, dates.MINUTE)} {tz.key}"
                f" from {key.last_used_ip or 'an unknown address'}"
                if key.last_used_at
                else "never"
            ),
            revoked=key.revoked_at is not None,
        )
        for key in keys
    ]
