"""Sign in and sign up."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML

from vibecoder.components.layout import field_error, page
from vibecoder.settings import get_settings
from vibecoder.state.auth import SignInState, SignUpState


def _labelled(label: str, control: rx.Component, error: rx.Var | None = None) -> rx.Component:
    # The control inside its <label>: labelled for assistive tech whatever id it renders with.
    return rx.vstack(
        rx.el.label(
            rx.text(label, size="2", weight="medium", as_="span"),
            control,
            display="flex",
            flex_direction="column",
            gap="var(--space-1)",
            width="100%",
        ),
        field_error(error) if error is not None else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _email_input(prefill) -> rx.Component:
    # `key` remounts the input when the flash brings an email back, so default_value applies.
    return rx.input(
        id="email",
        name="email",
        type="email",
        required=True,
        width="100%",
        auto_complete="email",
        default_value=prefill,
        key=prefill,
    )


class NativePostForm(BaseHTML):
    """A plain <form>: rx.form/rx.el.form always preventDefault() and submit over the websocket,
    but only a server response can set the HttpOnly session cookie, so these really post."""

    tag = "form"
    action: rx.Var[str]
    method: rx.Var[str]


def _post_form(path: str, *children: rx.Component) -> rx.Component:
    settings = get_settings()
    # Behind one proxy (prod-local, production) the API shares the app's origin: a relative
    # action posts to whichever name the visitor used, and the cookie lands on that host.
    same_origin = bool(settings.api_url) and settings.api_url.rstrip("/") == (
        settings.app_url or ""
    ).rstrip("/")
    return NativePostForm.create(
        *children,
        action=path if same_origin else settings.public_api_url + path,
        method="post",
        width="100%",
    )


def _password_input(id: str, auto_complete: str) -> rx.Component:
    return rx.input(
        id=id,
        name=id,
        type="password",
        required=True,
        width="100%",
        auto_complete=auto_complete,
    )


def _card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(rx.heading(title, size="6"), *children, spacing="4", width="100%"),
            width="100%",
            max_width="420px",
            size="3",
        ),
        width="100%",
        padding_y="var(--space-6)",
    )


def signin() -> rx.Component:
    return page(
        _card(
            "Sign in",
            _post_form(
                "/api/auth/signin",
                rx.vstack(
                    _labelled("Email", _email_input(SignInState.prefill_email)),
                    _labelled("Password", _password_input("password", "current-password")),
                    rx.el.input(type="hidden", name="next", value=SignInState.next_path),
                    field_error(SignInState.error),
                    rx.button(
                        "Sign in",
                        type="submit",
                        width="100%",
                        id="signin-submit",
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.text(rx.link("Forgot your password?", href="/forgot", id="forgot-link"), size="2"),
            rx.text(
                "New here? ",
                rx.link("Create an account", href="/signup", underline="always"),
                size="2",
            ),
        )
    )


def signup() -> rx.Component:
    return page(
        _card(
            "Create your account",
            _post_form(
                "/api/auth/signup",
                rx.vstack(
                    _labelled(
                        "Email", _email_input(SignUpState.prefill_email), SignUpState.email_error
                    ),
                    _labelled(
                        "Username",
                        rx.input(
                            id="username",
                            name="username",
                            width="100%",
                            placeholder="letters, digits, - or _",
                            auto_complete="username",
                            default_value=SignUpState.prefill_username,
                            key=SignUpState.prefill_username,
                        ),
                        SignUpState.username_error,
                    ),
                    _labelled(
                        "Password",
                        _password_input("password", "new-password"),
                        SignUpState.password_error,
                    ),
                    _labelled(
                        "Repeat password", _password_input("password_confirm", "new-password")
                    ),
                    rx.checkbox("I want to sell code too", name="sell", id="sell"),
                    field_error(SignUpState.form_error),
                    rx.button("Create account", type="submit", width="100%", id="signup-submit"),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.text(
                "Already have an account? ",
                rx.link("Sign in", href="/signin", underline="always"),
                size="2",
            ),
        )
    )
