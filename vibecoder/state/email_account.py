"""Password reset, email verification and change of email (domain: accounts.email_links).

Tokens arrive in form submissions (the reset page reads its token from the URL fragment) and
are never kept in state; mails are delivered after the transaction that made their token commits,
off the event loop (SMTP, or a file in the outbox).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import reflex as rx

from vibecoder.domain.accounts import email_links
from vibecoder.domain.accounts.notifications import deliver
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User

VERIFY_OUTCOMES = {
    "verified": "Your email address is verified.",
    "invalid": "That verification link is invalid, already used or expired. Send a new one.",
    "email_taken": "Another account uses that email now; your email was not changed.",
}


async def _send(outgoing: email_links.Outgoing | None) -> None:
    if outgoing is not None:
        await asyncio.to_thread(deliver, outgoing.message)


class ForgotPasswordState(AuthState):
    message: str = ""
    error: str = ""

    @rx.event
    async def submit(self, form: dict):
        self.message = self.error = ""
        email, ip = str(form.get("email", "")), self.client_ip()
        outcome = await self._call(
            lambda session, _user: email_links.request_password_reset(
                session=session, redis_client=get_redis(), email=email, ip=ip
            ),
            signed_in=False,
        )
        if not outcome.ok:
            return
        await _send(outcome.value)
        # The same answer whether or not the account exists: no account enumeration.
        self.message = email_links.RESET_SENT_MESSAGE


class ResetPasswordState(AuthState):
    error: str = ""
    done: bool = False

    @rx.event
    def load(self):
        self.error = ""
        self.done = False

    @rx.event
    async def submit(self, form: dict):
        self.error = ""
        password = str(form.get("password", ""))
        if password != str(form.get("password_confirm", "")):
            self.error = "The two passwords do not match."
            return
        token = str(form.get("token", ""))
        outcome = await self._call(
            lambda session, _user: email_links.reset_password(
                session=session, token=token, new_password=password
            ),
            signed_in=False,
            heavy=True,  # argon2
        )
        if not outcome.ok:
            return
        self.done = True
        # Every session ended, this browser's too: sign in with the new password.
        self._show(None)


class EmailSettingsState(AuthState):
    email_verified: bool = False
    email_notice: str = ""
    email_error: str = ""

    @rx.event
    async def load_email(self):
        outcome = await self._call(
            lambda session, user: user.email_verified_at is not None, error="email_error"
        )
        if not outcome.ok:
            return
        self.email_verified = bool(outcome.value)
        self.email_error = ""
        outcome_name = self.router.url.query_parameters.get("email", "")
        self.email_notice = VERIFY_OUTCOMES.get(outcome_name, "")

    @rx.event
    async def resend_verification(self):
        self.email_notice = self.email_error = ""
        outcome = await self._call(
            lambda session, user: email_links.send_verification(
                session=session, redis_client=get_redis(), user=user
            ),
            error="email_error",
        )
        if outcome.signed_out:
            return self._signin_redirect("/account")
        if not outcome.ok:
            return
        if outcome.value is None:
            self.email_verified = True
            return
        await _send(outcome.value)
        self.email_notice = f"We sent a verification link to {self.email}."

    @rx.event
    async def change_email(self, form: dict):
        self.email_notice = self.email_error = ""
        new_email = str(form.get("new_email", ""))
        password = str(form.get("email_password", ""))

        def request(session: Session, user: User) -> email_links.Outgoing:
            return email_links.request_email_change(
                session=session,
                redis_client=get_redis(),
                user=user,
                new_email=new_email,
                current_password=password,
            )

        outcome = await self._call(request, error="email_error", heavy=True)
        if outcome.signed_out:
            return self._signin_redirect("/account")
        if not outcome.ok:
            return
        await _send(outcome.value)
        self.email_notice = (
            f"We sent a link to {outcome.value.message['To']}. Your email changes when you open "
            f"it; until then it stays {self.email}."
        )
