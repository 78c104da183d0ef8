"""Forgot password, reset password, and the account page's email section."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.layout import field_error, page
from vibecoder.state.email_account import (
    EmailSettingsState,
    ForgotPasswordState,
    ResetPasswordState,
)

# The reset link carries its token in the URL fragment (never sent to any server); the form
# submits it from this hidden field.
_TOKEN_FROM_FRAGMENT = (
    "document.getElementById('reset-token').value = "
    "new URLSearchParams(window.location.hash.slice(1)).get('token') || ''"
)


def _labelled(label: str, control: rx.Component) -> rx.Component:
    # The control inside its <label>: labelled for assistive tech whatever id it renders with.
    return rx.el.label(
        rx.text(label, size="2", weight="medium", as_="span"),
        control,
        display="flex",
        flex_direction="column",
        gap="var(--space-1)",
        width="100%",
    )


def _card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(rx.heading(title, size="6", as_="h1"), *children, spacing="4", width="100%"),
            width="100%",
            max_width="420px",
            size="3",
        ),
        width="100%",
        padding_y="var(--space-6)",
    )


def forgot_page() -> rx.Component:
    return page(
        _card(
            "Reset your password",
            rx.text(
                "Enter the email of your account. We will send a link to choose a new password.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    _labelled(
                        "Email",
                        rx.input(
                            id="email",
                            name="email",
                            type="email",
                            required=True,
                            width="100%",
                            auto_complete="email",
                        ),
                    ),
                    field_error(ForgotPasswordState.error),
                    rx.button("Send reset link", type="submit", width="100%", id="forgot-submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.submit,
                width="100%",
            ),
            rx.cond(
                ForgotPasswordState.message != "",
                rx.callout(ForgotPasswordState.message, icon="mail", id="forgot-sent"),
            ),
            rx.text(rx.link("Back to sign in", href="/signin", underline="always"), size="2"),
        )
    )


def reset_page() -> rx.Component:
    return page(
        _card(
            "Choose a new password",
            rx.cond(
                ResetPasswordState.done,
                rx.vstack(
                    rx.callout(
                        "Your password is changed and every device was signed out.",
                        icon="check",
                        color_scheme="green",
                        id="reset-done",
                    ),
                    rx.link(rx.button("Sign in"), href="/signin"),
                ),
                rx.form(
                    rx.vstack(
                        rx.el.input(type="hidden", id="reset-token", name="token"),
                        _labelled(
                            "New password",
                            rx.input(
                                id="password",
                                name="password",
                                type="password",
                                required=True,
                                width="100%",
                                auto_complete="new-password",
                            ),
                        ),
                        _labelled(
                            "Repeat new password",
                            rx.input(
                                id="password_confirm",
                                name="password_confirm",
                                type="password",
                                required=True,
                                width="100%",
                                auto_complete="new-password",
                            ),
                        ),
                        rx.text(
                            "At least 10 characters, hard to guess: a few unrelated words work.",
                            size="1",
                            color_scheme="gray",
                        ),
                        field_error(ResetPasswordState.error),
                        rx.button(
                            "Set new password", type="submit", width="100%", id="reset-submit"
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=ResetPasswordState.submit,
                    on_mount=rx.call_script(_TOKEN_FROM_FRAGMENT),
                    width="100%",
                ),
            ),
        )
    )


def email_section() -> rx.Component:
    """The account page's "Email" card: verification state, resend, change of address."""
    S = EmailSettingsState
    return rx.card(
        rx.vstack(
            rx.heading("Email", size="4", as_="h2"),
            rx.hstack(
                rx.text(S.email),
                rx.cond(
                    S.email_verified,
                    rx.badge("verified", color_scheme="green", id="email-verified"),
                    rx.badge("not verified", color_scheme="amber", id="email-unverified"),
                ),
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                ~S.email_verified,
                rx.hstack(
                    rx.text("Verify your email to publish listings and receive payouts.", size="2"),
                    rx.button(
                        "Send verification link",
                        size="1",
                        variant="soft",
                        on_click=S.resend_verification,
                        id="resend-verification",
                    ),
                    align="center",
                    wrap="wrap",
                ),
            ),
            rx.form(
                rx.vstack(
                    _labelled(
                        "New email",
                        rx.input(id="new_email", name="new_email", type="email", width="100%"),
                    ),
                    _labelled(
                        "Current password",
                        rx.input(
                            id="email_password",
                            name="email_password",
                            type="password",
                            auto_complete="current-password",
                            width="100%",
                        ),
                    ),
                    rx.button("Change email", type="submit", id="change-email-submit"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.change_email,
                reset_on_submit=True,
                width="100%",
            ),
            field_error(S.email_error),
            rx.cond(
                S.email_notice != "",
                rx.callout(S.email_notice, icon="mail", id="email-notice"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
