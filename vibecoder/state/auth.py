"""Who is signed in. The session token lives in a cookie; the user is re-resolved server-side."""

from __future__ import annotations

import json

import reflex as rx

from vibecoder.domain.accounts import auth
from vibecoder.infra.db import session_scope
from vibecoder.models.users import User
from vibecoder.settings import get_settings


class AuthState(rx.State):
    """The navbar's view of who is signed in.

    The session cookie is HttpOnly and set only by /api/auth/* (vibecoder/api/session.py);
    this state never holds the token. The websocket's Cookie header carries the token's
    SHA-256 instead (vibecoder/api/security.py), read here on every check.
    """

    username: str = ""
    display_name: str = ""
    email: str = ""
    role: str = ""

    @rx.var
    def is_authenticated(self) -> bool:
        return bool(self.username)

    @rx.var
    def is_seller(self) -> bool:
        return self.role in ("seller", "admin")

    @rx.var
    def is_admin(self) -> bool:
        return self.role == "admin"

    @rx.var
    def initials(self) -> str:
        name = self.display_name or self.username
        return name[:2].upper() if name else "?"

    def session_hash(self) -> str | None:
        return auth.session_hash_from_cookie_header(self.router.headers.cookie)

    def current_user(self) -> User | None:
        """Resolve the session afresh, so logout and revocation take effect at once."""
        hashed = self.session_hash()
        if not hashed:
            return None
        with session_scope() as session:
            return auth.user_for_session_hash(session=session, hashed=hashed)

    def _show(self, user: User | None) -> None:
        if user is None:
            self.username = self.display_name = self.email = self.role = ""
            return
        from vibecoder.models.users import Profile

        with session_scope() as session:
            profile = session.get(Profile, user.id)
        self.username = user.username
        self.display_name = profile.display_name if profile else user.username
        self.email = user.email
        self.role = user.role

    @rx.event
    def load_user(self):
        self._show(self.current_user())

    @rx.event
    def require_login(self):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect(f"/signin?next={self.router.url.path}")

    def refreshed_user(self) -> User | None:
        """The signed-in user, with the navbar's view of them brought up to date."""
        user = self.current_user()
        self._show(user)
        return user

    @rx.event
    def sign_out(self):
        hashed = self.session_hash()
        if hashed:
            with session_scope() as session:
                auth.revoke_session_hash(session=session, hashed=hashed)
        self._show(None)
        # The session is dead now; /api/auth/signout clears the HttpOnly cookie (only a server
        # response can) and comes back to "/". A fresh client token: page states of this user
        # (admin queues, dashboards, drafts) stay behind with the old one.
        # A full page load (not the client router, which would not reach the server when the
        # API shares the app's origin behind nginx).
        url = json.dumps(get_settings().public_api_url + "/api/auth/signout")
        return [rx.clear_session_storage(), rx.call_script(f"window.location.replace({url})")]

    def client_ip(self) -> str:
        return self.router.session.client_ip or "unknown"


class SignInState(AuthState):
    """The sign-in form posts to /api/auth/signin; a failure comes back as a signed flash."""

    error: str = ""
    prefill_email: str = ""
    next_path: str = "/"

    @rx.event
    def load(self):
        self._show(self.current_user())
        query = self.router.url.query_parameters
        flash = auth.read_flash(query.get("flash"))
        self.error = flash.get("error", "")
        self.prefill_email = flash.get("email", "")
        self.next_path = auth.safe_next(query.get("next"))


class SignUpState(AuthState):
    email_error: str = ""
    username_error: str = ""
    password_error: str = ""
    form_error: str = ""
    prefill_email: str = ""
    prefill_username: str = ""

    @rx.event
    def load(self):
        self._show(self.current_user())
        flash = auth.read_flash(self.router.url.query_parameters.get("flash"))
        self.email_error = self.username_error = self.password_error = self.form_error = ""
        self.prefill_email = flash.get("email", "")
        self.prefill_username = flash.get("username", "")
        if flash.get("error"):
            target = {
                "email": "email_error",
                "username": "username_error",
                "password": "password_error",
            }.get(flash.get("field", ""), "form_error")
            setattr(self, target, flash["error"])
