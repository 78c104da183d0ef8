"""Who is signed in. The session token lives in a cookie; the user is re-resolved server-side."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

import reflex as rx
from reflex.istate.proxy import StateProxy
from sqlmodel import Session

from vibecoder.domain.accounts import auth, email_links
from vibecoder.domain.accounts.notifications import deliver
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.users import User
from vibecoder.state.offloop import Outcome, Refused, Viewer, in_thread

T = TypeVar("T")


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

    def _token(self) -> str:
        """The one place the browser's session token is read."""
        return self.session_token

    async def _current_user(self) -> User | None:
        """Resolve the session afresh (off the loop), so logout and revocation take effect at once;
        the navbar's view of the user is brought up to date on the way."""
        outcome = await self._call(lambda session, user: user, signed_in=False)
        return outcome.user

    async def _call(
        self,
        work: Callable[[Session, User | None], T],
        *,
        error: str | Callable[[ServiceError], None] | None = "error",
        signed_in: bool = True,
        heavy: bool = False,
    ) -> Outcome[T]:
        """Every handler's service call: resolve who asks, run `work(session, user)` in a worker
        thread with its own session, and put a `ServiceError`'s message in the `error` var (or
        hand it to `error` when that is a function). With `signed_in` (the default) the work runs
        only for a signed-in user; otherwise `user` may be None. The session is committed when
        the work returns, rolled back when it raises. `heavy` work (seconds of CPU: argon2,
        an upload's unpacking) runs in the pool kept for it (see offloop)."""
        token = self._token()

        def run(session: Session) -> Outcome[T]:
            user = auth.user_for_session(session=session, token=token) if token else None
            viewer = Viewer.of(session, user)
            if user is None and signed_in:
                return Outcome(signed_out=True, viewer=viewer)
            try:
                return Outcome(value=work(session, user), user=user, viewer=viewer)
            except ServiceError as exc:
                # Out of the session's scope, so everything the work wrote is rolled back.
                raise Refused(exc, viewer) from exc

        try:
            outcome = await in_thread(run, heavy=heavy)
        except Refused as refused:
            outcome = Outcome(error=refused.error, viewer=refused.viewer)
        async with self._writing():
            self._show(outcome.viewer)
            if outcome.error is not None:
                if callable(error):
                    error(outcome.error)
                elif error:
                    setattr(self, error, outcome.error.message)
        return outcome

    def _writing(self) -> AbstractAsyncContextManager:
        """`async with self` in a background event (its state is read-only until entered, and
        the lock is free while the work runs); nothing to do in a normal event, which holds it."""
        if isinstance(self, StateProxy) and not self._is_mutable():
            return self
        return contextlib.nullcontext()

    def _show(self, viewer: Viewer | None) -> None:
        if viewer is None:
            self.username = self.display_name = self.email = self.role = ""
            return
        self.username, self.display_name = viewer.username, viewer.display_name
        self.email, self.role = viewer.email, viewer.role

    def _signin_redirect(self, next_path: str | None = None):
        """Where a handler sends a visitor whose session is gone."""
        self.session_token = ""
        return rx.redirect(f"/signin?next={next_path or self.router.url.path}")

    @rx.event
    async def load_user(self):
        user = await self._current_user()
        if user is None and self._token():
            self.session_token = ""

    @rx.event
    async def require_login(self):
        if await self._current_user() is None:
            return self._signin_redirect()

    def _session_starter(self) -> Callable[[Session, User], str]:
        """Opens a server-side session for this browser (read here, on the loop; called in the
        worker thread); the caller keeps the token in the cookie with `_sign_in_as`."""
        ip, user_agent = self.client_ip(), self.router.headers.user_agent

        def start(session: Session, user: User) -> str:
            return auth.create_session(session=session, user=user, ip=ip, user_agent=user_agent)

        return start

    def _sign_in_as(self, token: str, viewer: Viewer) -> None:
        self.session_token = token
        self._show(viewer)

    @rx.event
    async def sign_out(self):
        if token := self._token():
            await in_thread(lambda session: auth.revoke_session(session=session, token=token))
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

    @rx.event(background=True)
    async def submit(self, form: dict):
        """A background event: the tab's state is not locked while argon2 checks the password
        in the (small) pool for heavy work, however many people sign in at once."""
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        async with self:
            self.error = ""
            if not email or not password:
                self.error = "Enter your email and password."
                return
            if self.loading:
                return  # the first click is being checked
            self.loading = True
            ip, start_session = self.client_ip(), self._session_starter()
            next_path = safe_next(self.router.url.query_parameters.get("next"))

        def sign_in(session: Session, _nobody: User | None) -> tuple[str, Viewer | None]:
            user = auth.authenticate(
                session=session, redis_client=get_redis(), email=email, password=password, ip=ip
            )
            return start_session(session, user), Viewer.of(session, user)

        outcome = await self._call(sign_in, signed_in=False, heavy=True)
        async with self:
            self.loading = False
            if not outcome.ok:
                return
            token, viewer = outcome.value
            self._sign_in_as(token, viewer)
        yield rx.redirect(next_path)


class SignUpState(AuthState):
    email_error: str = ""
    username_error: str = ""
    password_error: str = ""
    form_error: str = ""

    def _field_error(self, exc: ServiceError) -> None:
        target = {"email": "email_error", "username": "username_error"}.get(
            exc.field or "", "password_error" if exc.field == "password" else "form_error"
        )
        setattr(self, target, exc.message)

    @rx.event
    async def submit(self, form: dict):
        self.email_error = self.username_error = self.password_error = self.form_error = ""
        password = str(form.get("password", ""))
        if password != str(form.get("password_confirm", "")):
            self.password_error = "The two passwords do not match."
            return
        start_session = self._session_starter()

        def sign_up(session: Session, _nobody: User | None):
            # Self-service accounts start unverified and get a verification link by mail.
            user, verification = email_links.sign_up(
                session=session,
                email=str(form.get("email", "")),
                username=str(form.get("username", "")) or None,
                password=password,
                seller=bool(form.get("sell")),
            )
            return start_session(session, user), Viewer.of(session, user), verification

        outcome = await self._call(sign_up, error=self._field_error, signed_in=False, heavy=True)
        if not outcome.ok:
            return
        token, viewer, verification = outcome.value
        # Mailed once the account is committed (SMTP or the outbox file: off the loop).
        await asyncio.to_thread(deliver, verification.message)
        self._sign_in_as(token, viewer)
        return rx.redirect("/account")
