"""Password reset, email verification and change of email (domain: accounts.email_links).

Tokens arrive in form submissions (the reset page reads its token from the URL fragment) and
are never kept in state; mails are delivered after the transaction that made their token commits.
"""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts import email_links
from vibecoder.domain.accounts.notifications import deliver
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState

VERIFY_OUTCOMES = {
    "verified": "Your email address is verified.",
    "invalid": "That verification link is invalid, already used or expired. Send a new one.",
    "email_taken": "Another account uses that email now; your email was not changed.",
}


class ForgotPasswordState(AuthState):
    message: str = ""
    error: str = ""

    @rx.event
    def submit(self, form: dict):
        self.message = self.error = ""
        try:
            with session_scope() as session:
                outgoing = email_links.request_password_reset(
                    session=session,
                    redis_client=get_redis(),
                    email=str(form.get("email", "")),
                    ip=self.client_ip(),
                )
        except ServiceError as exc:
            self.error = exc.message
            return
        if outgoing is not None:
            deliver(outgoing.message)
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
    def submit(self, form: dict):
        self.error = ""
        password = str(form.get("password", ""))
        if password != str(form.get("password_confirm", "")):
            self.error = "The two passwords do not match."
            return
        try:
            with session_scope() as session:
                email_links.reset_password(
                    session=session, token=str(form.get("token", "")), new_password=password
                )
        except ServiceError as exc:
            self.error = exc.message
            return
        self.done = True
        # Every session ended, this browser's too: sign in with the new password.
        self.session_token = ""
        self._show(None)


class EmailSettingsState(AuthState):
    email_verified: bool = False
    email_notice: str = ""
    email_error: str = ""

    @rx.event
    def load_email(self):
        user = self.refreshed_user()
        if user is None:
            return
        self.email_verified = user.email_verified_at is not None
        self.email_error = ""
        outcome = self.router.url.query_parameters.get("email", "")
        self.email_notice = VERIFY_OUTCOMES.get(outcome, "")

    @rx.event
    def resend_verification(self):
        self.email_notice = self.email_error = ""
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/account")
        try:
            with session_scope() as session:
                outgoing = email_links.send_verification(
                    session=session, redis_client=get_redis(), user=session.merge(user)
                )
        except ServiceError as exc:
            self.email_error = exc.message
            return
        if outgoing is None:
            self.email_verified = True
            return
        deliver(outgoing.message)
        self.email_notice = f"We sent a verification link to {user.email}."

    @rx.event
    def change_email(self, form: dict):
        self.email_notice = self.email_error = ""
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/account")
        new_email = str(form.get("new_email", ""))
        try:
            with session_scope() as session:
                outgoing = email_links.request_email_change(
                    session=session,
                    redis_client=get_redis(),
                    user=session.merge(user),
                    new_email=new_email,
                    current_password=str(form.get("email_password", "")),
                )
        except ServiceError as exc:
            self.email_error = exc.message
            return
        deliver(outgoing.message)
        self.email_notice = (
            f"We sent a link to {outgoing.message['To']}. Your email changes when you open it; "
            f"until then it stays {user.email}."
        )
