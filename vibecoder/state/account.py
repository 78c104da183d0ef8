"""The account page: profile, password, seller upgrade and API keys of the signed-in user."""

from __future__ import annotations

import reflex as rx
from pydantic import BaseModel

from vibecoder.domain.accounts import auth
from vibecoder.domain.errors import ServiceError
from vibecoder.infra import ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.models.users import Profile, User
from vibecoder.settings import get_settings
from vibecoder.state.auth import AuthState


class ApiKeyRow(BaseModel):
    id: int
    name: str
    prefix: str
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
    new_key_plaintext: str = ""
    api_key_error: str = ""

    @rx.event
    def load(self):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/account")
        self.new_key_plaintext = ""
        self.member_since = user.created_at.strftime("%B %Y")
        with session_scope() as session:
            profile = session.get(Profile, user.id)
            self.bio = profile.bio if profile else ""
            self.avatar_url = (profile.avatar_url or "") if profile else ""
            self.links = "\n".join(profile.links) if profile else ""
            self._load_keys(session, user)

    def _load_keys(self, session, user: User) -> None:
        self.api_keys = [
            ApiKeyRow(
                id=key.id,
                name=key.name,
                prefix=key.prefix,
                created=key.created_at.strftime("%Y-%m-%d"),
                last_used=key.last_used_at.strftime("%Y-%m-%d") if key.last_used_at else "never",
                revoked=key.revoked_at is not None,
            )
            for key in auth.list_api_keys(session=session, user=user)
        ]

    @rx.event
    def save_profile(self, form: dict):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin")
        display_name = str(form.get("display_name", "")).strip()
        bio = str(form.get("bio", "")).strip()
        avatar_url = str(form.get("avatar_url", "")).strip()
        links = [line.strip() for line in str(form.get("links", "")).splitlines() if line.strip()]
        if not 1 <= len(display_name) <= 80 or len(bio) > 2000:
            self.profile_message = "Display name 1–80 characters, bio up to 2000."
            return
        # Only web links: a javascript: URL in a profile would run in visitors' browsers.
        if (
            any(
                not url.startswith(("https://", "http://")) or len(url) > 300
                for url in [*links, *([avatar_url] if avatar_url else [])]
            )
            or len(links) > 10
        ):
            self.profile_message = "Links and the avatar must be http(s) URLs (at most 10 links)."
            return
        with session_scope() as session:
            profile = session.get(Profile, user.id) or Profile(user_id=user.id, display_name="")
            profile.display_name = display_name
            profile.bio = bio
            profile.avatar_url = avatar_url or None
            profile.links = links
            session.add(profile)
        self.avatar_url, self.links = avatar_url, "\n".join(links)
        self.display_name = display_name
        self.bio = bio
        self.profile_message = "Profile saved."

    @rx.event
    def change_password(self, form: dict):
        self.password_error = self.password_message = ""
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin")
        if form.get("new_password") != form.get("new_password_confirm"):
            self.password_error = "The two new passwords do not match."
            return
        try:
            # A stolen session cannot guess the current password at speed.
            ratelimit.check(
                "password-change",
                str(user.id),
                limit=f"{get_settings().password_changes_per_user_per_hour}/hour",
                message="Too many password changes; try again later.",
            )
            with session_scope() as session:
                user = session.merge(user)
                auth.change_password(
                    session=session,
                    user=user,
                    current_password=str(form.get("current_password", "")),
                    new_password=str(form.get("new_password", "")),
                    keep_session_hash=self.session_hash(),
                )
        except ServiceError as exc:
            self.password_error = exc.message
            return
        self.password_message = "Password changed. Other devices were signed out."

    @rx.event
    def become_seller(self):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin")
        with session_scope() as session:
            auth.become_seller(session=session, user=session.merge(user))
        self.role = "seller"
        return rx.toast.success("You can now sell on VibeCoder.")

    @rx.event
    def create_api_key(self, form: dict):
        self.api_key_error = ""
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin")
        try:
            with session_scope() as session:
                plaintext, _ = auth.create_api_key(
                    session=session, user=user, name=str(form.get("name", ""))
                )
                self._load_keys(session, user)
        except ServiceError as exc:
            self.api_key_error = exc.message
            return
        # Shown once; it is not stored anywhere in clear.
        self.new_key_plaintext = plaintext

    @rx.event
    def revoke_api_key(self, key_id: int):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin")
        try:
            with session_scope() as session:
                auth.revoke_api_key(session=session, user=user, key_id=int(key_id))
                self._load_keys(session, user)
        except ServiceError as exc:
            self.api_key_error = exc.message
