"""Who is signed in. The session token lives in a cookie; the user is re-resolved server-side."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts import auth
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.users import User


class AuthState(rx.State):
    session_token: str = rx.Cookie(
        "", name=auth.SESSION_COOKIE, same_site="lax", max_age=14 * 86400
    )
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

    def current_user(self) -> User | None:
        """Resolve the session afresh, so logout and revocation take effect at once."""
        if not self.session_token:
            return None
        with session_scope() as session:
            return auth.user_for_session(session=session, token=self.session_token)

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
        user = self.current_user()
        if user is None and self.session_token:
            self.session_token = ""
        self._show(user)

    @rx.event
    def require_login(self):
        user = self.refreshed_user()
        if user is None:
            self.session_token = ""
            return rx.redirect(f"/signin?next={self.router.url.path}")

    def refreshed_user(self) -> User | None:
        """The signed-in user, with the navbar's view of them brought up to date."""
        user = self.current_user()
        self._show(user)
        return user

    def start_session(self, session, user: User) -> str:
        """Open a server-side session for this browser and keep its token in the cookie."""
        token = auth.create_session(
            session=session,
            user=user,
            ip=self.client_ip(),
            user_agent=self.router.headers.user_agent,
        )
        self.session_token = token
        return token

    def sign_in_as(self, user: User, token: str) -> None:
        self.session_token = token
        self._show(user)

    @rx.event
    def sign_out(self):
        if self.session_token:
            with session_scope() as session:
                auth.revoke_session(session=session, token=self.session_token)
        self.session_token = ""
        self._show(None)
        # A fresh client token: page states of this user (admin queues, dashboards, drafts)
        # stay behind with the old token instead of reaching whoever signs in next in this tab.
        return [rx.clear_session_storage(), rx.call_script("window.location.replace('/')")]

    def client_ip(self) -> str:
        return self.router.session.client_ip or "unknown"


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class SignInState(AuthState):
    error: str = ""
    loading: bool = False

    @rx.event
    def submit(self, form: dict):
        self.error = ""
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        if not email or not password:
            self.error = "Enter your email and password."
            return
        try:
            with session_scope() as session:
                user = auth.authenticate(
                    session=session,
                    redis_client=get_redis(),
                    email=email,
                    password=password,
                    ip=self.client_ip(),
                )
                token = self.start_session(session, user)
        except ServiceError as exc:
            self.error = exc.message
            return
        self.sign_in_as(user, token)
        return rx.redirect(safe_next(self.router.url.query_parameters.get("next")))


class SignUpState(AuthState):
    email_error: str = ""
    username_error: str = ""
    password_error: str = ""
    form_error: str = ""

    @rx.event
    def submit(self, form: dict):
        self.email_error = self.username_error = self.password_error = self.form_error = ""
        password = str(form.get("password", ""))
        if password != str(form.get("password_confirm", "")):
            self.password_error = "The two passwords do not match."
            return
        from vibecoder.domain.accounts import email_links
        from vibecoder.domain.accounts.notifications import deliver

        try:
            with session_scope() as session:
                user, verification = email_links.sign_up(
                    session=session,
                    email=str(form.get("email", "")),
                    username=str(form.get("username", "")) or None,
                    password=password,
                    seller=bool(form.get("sell")),
                )
                token = self.start_session(session, user)
        except ServiceError as exc:
            target = {"email": "email_error", "username": "username_error"}.get(
                exc.field or "", "password_error" if exc.field == "password" else "form_error"
            )
            setattr(self, target, exc.message)
            return
        deliver(verification.message)
        self.sign_in_as(user, token)
        return rx.redirect("/account")
