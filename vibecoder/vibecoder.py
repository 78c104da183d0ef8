"""The Reflex app: registers every page and mounts the plain HTTP API next to the websocket."""

from __future__ import annotations

import reflex as rx

from vibecoder.api import build_api
from vibecoder.pages import account, auth, home
from vibecoder.state.account import AccountState
from vibecoder.state.auth import AuthState

app = rx.App(
    api_transformer=build_api(),
    stylesheets=["/styles.css"],
    style={"font_family": "Inter, ui-sans-serif, system-ui, -apple-system, sans-serif"},
    head_components=[rx.el.meta(name="color-scheme", content="dark")],
)

app.add_page(
    home.index,
    route="/",
    title="VibeCoder — AI-generated code marketplace",
    on_load=home.HomeState.load,
)
app.add_page(auth.signin, route="/signin", title="Sign in · VibeCoder", on_load=AuthState.load_user)
app.add_page(auth.signup, route="/signup", title="Sign up · VibeCoder", on_load=AuthState.load_user)
app.add_page(
    account.account, route="/account", title="Account · VibeCoder", on_load=AccountState.load
)
