"""The signed-in user's account: profile, password, selling, API keys."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.layout import field_error, page, rich_callout
from vibecoder.domain.accounts import api_keys
from vibecoder.pages.account_email import email_section
from vibecoder.settings import get_settings
from vibecoder.state.account import AccountState, ApiKeyRow

KEYS_URL = get_settings().public_api_url + "/api/account/api-keys"


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
        width="100%",
    )


def _profile() -> rx.Component:
    return _section(
        "Profile",
        rx.text("Signed in as ", rx.text.strong(AccountState.email), id="account-email"),
        rx.text("Member since ", AccountState.member_since, size="2", color_scheme="gray"),
        rx.form(
            rx.vstack(
                rx.text("Display name", as_="label", html_for="display_name", size="2"),
                rx.input(
                    id="display_name",
                    aria_label="Display name",
                    name="display_name",
                    default_value=AccountState.display_name,
                    width="100%",
                ),
                rx.text("Bio", as_="label", html_for="bio", size="2"),
                rx.text_area(
                    id="bio",
                    name="bio",
                    aria_label="Bio",
                    default_value=AccountState.bio,
                    width="100%",
                ),
                rx.text("Avatar URL", as_="label", html_for="avatar_url", size="2"),
                rx.input(
                    id="avatar_url",
                    name="avatar_url",
                    default_value=AccountState.avatar_url,
                    placeholder="https://…",
                    width="100%",
                ),
                rx.text("Links (one per line)", as_="label", html_for="links", size="2"),
                rx.text_area(
                    id="links",
                    aria_label="Links, one per line",
                    name="links",
                    default_value=AccountState.links,
                    width="100%",
                    rows="3",
                ),
                rx.button("Save profile", type="submit"),
                rx.text(AccountState.profile_message, size="2", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            on_submit=AccountState.save_profile,
        ),
    )


def _selling() -> rx.Component:
    return _section(
        "Selling",
        rx.cond(
            AccountState.is_seller,
            rx.text("Your account can sell listings.", id="seller-status"),
            rx.hstack(
                rx.text("Sell the code you build with AI."),
                rx.button("Become a seller", on_click=AccountState.become_seller),
                align="center",
                wrap="wrap",
            ),
        ),
    )


def _password() -> rx.Component:
    return _section(
        "Password",
        rx.form(
            rx.vstack(
                rx.input(
                    name="current_password",
                    type="password",
                    placeholder="Current password",
                    aria_label="Current password",
                    auto_complete="current-password",
                    width="100%",
                ),
                rx.input(
                    name="new_password",
                    type="password",
                    placeholder="New password",
                    aria_label="New password",
                    auto_complete="new-password",
                    width="100%",
                ),
                rx.input(
                    name="new_password_confirm",
                    type="password",
                    placeholder="Repeat new password",
                    aria_label="Repeat new password",
                    auto_complete="new-password",
                    width="100%",
                ),
                field_error(AccountState.password_error),
                rx.text(AccountState.password_message, size="2", color_scheme="green"),
                rx.button("Change password", type="submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
        ),
    )


def _key_row(key: ApiKeyRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(key.name),
        rx.table.cell(rx.code(key.prefix, "…")),
        rx.table.cell(key.scopes),
        rx.table.cell(key.created),
        rx.table.cell(key.last_used),
        rx.table.cell(
            rx.cond(
                key.revoked,
                rx.badge("revoked", color_scheme="gray"),
                rx.button(
                    "Revoke",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=AccountState.revoke_api_key(key.id),
                ),
            )
        ),
    )


def _scope_box(scope: str) -> rx.Component:
    # A native checkbox: its form value ("on") is only sent when it is ticked.
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=f"scope_{scope}",
            id=f"scope-{scope}",
            default_checked=scope == "read",
        ),
        f" {scope}",
        style={"font_size": "14px", "display": "inline-flex", "gap": "4px"},
    )


def _api_keys() -> rx.Component:
    return _section(
        "API keys",
        rx.text(
            "Keys give programs access to your account. Each key is shown once.",
            size="2",
            color_scheme="gray",
        ),
        rx.text(
            "Scripts and the terminal client (python -m vibecoder get) use them with the ",
            rx.link("public API", href=f"{get_settings().public_api_url}/api/v1/docs"),
            ".",
            size="2",
            color_scheme="gray",
        ),
        # Not a Reflex form: assets/account_keys.js posts it to /api/account/api-keys and
        # shows the new key in the page only (a secret never goes through Reflex state).
        rx.el.form(
            rx.vstack(
                rx.hstack(
                    rx.input(name="name", placeholder="Key name, e.g. CI", aria_label="Key name"),
                    rx.button("Create key", type="submit"),
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.text("Scopes:", size="2"),
                    *[_scope_box(scope) for scope in api_keys.SCOPES],
                    wrap="wrap",
                    spacing="3",
                ),
            ),
            custom_attrs={"data-api-key-form": "", "data-url": KEYS_URL},
        ),
        rx.text("", id="api-key-error", role="alert", color_scheme="red", size="2"),
        rich_callout(
            rx.vstack(
                rx.text("Copy this key now; it will not be shown again."),
                rx.code("", custom_attrs={"data-new-key-box": ""}),
            ),
            icon="key",
            color_scheme="amber",
            custom_attrs={"data-new-key": ""},
            style={"display": "none"},
        ),
        rx.button(
            "Reload keys",
            id="reload-api-keys",
            on_click=AccountState.load_keys,
            style={"display": "none"},
            aria_hidden="true",
            tab_index=-1,
        ),
        # React 19 loads an async script once, hoisted to <head> (rx.script goes through
        # react-helmet, whose legacy lifecycle React reports as a console error).
        rx.el.script(src="/account_keys.js", async_=True),
        field_error(AccountState.api_key_error),
        rx.cond(
            AccountState.api_keys.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Name", "Key", "Scopes", "Created", "Last used", "")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(AccountState.api_keys, _key_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text("No API keys yet.", size="2", color_scheme="gray"),
        ),
    )


def account() -> rx.Component:
    return page(
        rx.vstack(
            rx.heading("Your account", size="7"),
            _profile(),
            email_section(),
            _selling(),
            _password(),
            _api_keys(),
            spacing="4",
            width="100%",
        ),
        max_width="800px",
    )
