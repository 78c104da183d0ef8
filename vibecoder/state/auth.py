"""Who is signed in. The session token lives in an HttpOnly cookie; the user is re-resolved
server-side, off the event loop, on every check."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

import reflex as rx
from reflex.istate.proxy import StateProxy
from sqlmodel import Session

from vibecoder.domain.accounts import auth
from vibecoder.errors import ServiceError
from vibecoder.models.users import User
from vibecoder.settings import get_settings
from vibecoder.state.offloop import Outcome, Refused, Viewer, in_thread

T = TypeVar("T")


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

    def _session_hash(self) -> str | None:
        """The one place the browser's session is read: the hash the websocket carries."""
        return auth.session_hash_from_cookie_header(self.router.headers.cookie)

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
        apply: bool = True,
    ) -> Outcome[T]:
        """Every handler's service call: resolve who asks, run `work(session, user)` in a worker
        thread with its own session, and put a `ServiceError`'s message in the `error` var (or
        hand it to `error` when that is a function). With `signed_in` (the default) the work runs
        only for a signed-in user; otherwise `user` may be None. The session is committed when
        the work returns, rolled back when it raises. `heavy` work (seconds of CPU: argon2,
        an upload's unpacking) runs in the pool kept for it (see offloop). Without `apply` the
        caller writes the outcome back itself (`_apply`) inside a lock it takes anyway: in a
        background event each `async with self` is a state round trip through Redis."""
        hashed = self._session_hash()

        def run(session: Session) -> Outcome[T]:
            user = auth.user_for_session_hash(session=session, hashed=hashed) if hashed else None
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
        if apply:
            async with self._writing():
                self._apply(outcome, error)
        return outcome

    def _apply(
        self, outcome: Outcome, error: str | Callable[[ServiceError], None] | None = "error"
    ) -> None:
        """The navbar's view of the user and the error message, from a call's outcome."""
        self._show(outcome.viewer)
        if outcome.error is not None:
            if callable(error):
                error(outcome.error)
            elif error:
                setattr(self, error, outcome.error.message)

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
        return rx.redirect(f"/signin?next={next_path or self.router.url.path}")

    @rx.event
    async def load_user(self):
        await self._current_user()

    @rx.event
    async def require_login(self):
        if await self._current_user() is None:
            return self._signin_redirect()

    @rx.event
    async def sign_out(self):
        if hashed := self._session_hash():
            await in_thread(
                lambda session: auth.revoke_session_hash(session=session, hashed=hashed)
            )
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
    async def load(self):
        await self._current_user()
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
    async def load(self):
        await self._current_user()
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
