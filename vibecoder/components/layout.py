"""The app shell: navbar, page container and footer shared by every page."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from vibecoder.state.auth import AuthState
from vibecoder.state.nav_search import NavSearchState

# Routes of features that exist; the navbar links only to these.
NAV_LINKS: list[tuple[str, str]] = []
# The navbar's search box submits to /search, so it appears only once that page is registered.
FEATURES: set[str] = set()
# Small controls shown beside the account menu (the notifications bell), added by features.
NAV_WIDGETS: list[Callable[[], rx.Component]] = []
# Links a nav widget shows on wide screens, for the phone menu: (label, href, who sees it).
MENU_LINKS: list[tuple[str, str, rx.Var]] = []


def register_nav_link(label: str, href: str) -> None:
    if (label, href) not in NAV_LINKS:
        NAV_LINKS.append((label, href))


def register_nav_widget(widget: Callable[[], rx.Component]) -> None:
    if widget not in NAV_WIDGETS:
        NAV_WIDGETS.append(widget)


def register_menu_link(label: str, href: str, when: rx.Var) -> None:
    """A role's link (Dashboard, Admin) in the phone menu; its wide-screen widget hides there."""
    if all(label != known for known, _, _ in MENU_LINKS):
        MENU_LINKS.append((label, href, when))


def _menu_link(label: str, href: str, **props) -> rx.Component:
    return rx.popover.close(
        rx.link(
            label,
            href=href,
            color_scheme="gray",
            high_contrast=True,
            size="3",
            width="100%",
            padding_y="var(--space-2)",
            **props,
        )
    )


def enable_feature(name: str) -> None:
    FEATURES.add(name)


def _search_box(*, role: str = "search") -> rx.Component:
    if "search" not in FEATURES:
        return rx.fragment()
    return rx.form(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            name="q",
            placeholder="Describe what you want…",
            aria_label="Search listings",
            size="2",
            width="100%",
        ),
        on_submit=NavSearchState.submit,
        reset_on_submit=True,
        width="100%",
        max_width="420px",
        role=role,
    )


def _phone_menu() -> rx.Component:
    """Below the md breakpoint the links and the search box live behind one "Menu" button."""
    return rx.box(
        rx.popover.root(
            rx.popover.trigger(
                rx.icon_button(
                    rx.icon("menu", size=18),
                    variant="ghost",
                    aria_label="Menu",
                    id="menu-button",
                ),
            ),
            rx.popover.content(
                rx.vstack(
                    _search_box(),
                    *[_menu_link(label, href) for label, href in [("Home", "/"), *NAV_LINKS]],
                    *[
                        rx.cond(when, _menu_link(label, href, id=f"menu-{label.lower()}"))
                        for label, href, when in MENU_LINKS
                    ],
                    rx.cond(
                        AuthState.is_authenticated,
                        rx.popover.close(rx.link("Account", href="/account", size="3")),
                        rx.hstack(
                            rx.popover.close(rx.link("Sign in", href="/signin", size="3")),
                            rx.popover.close(rx.link("Sign up", href="/signup", size="3")),
                            spacing="4",
                        ),
                    ),
                    spacing="1",
                    width="100%",
                ),
                id="mobile-menu",
                aria_label="Menu",
                width="min(92vw, 360px)",
            ),
        ),
        display=["block", "block", "none"],
    )


def _account_menu() -> rx.Component:
    return rx.cond(
        AuthState.is_authenticated,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.avatar(fallback=AuthState.initials, size="1", radius="full"),
                    rx.text(AuthState.username, display=["none", "none", "inline"]),
                    variant="ghost",
                    aria_label="Account menu",
                    id="account-menu",
                )
            ),
            rx.menu.content(
                rx.menu.item("Account", on_click=rx.redirect("/account")),
                rx.menu.separator(),
                rx.menu.item("Sign out", on_click=AuthState.sign_out, id="sign-out"),
            ),
        ),
        rx.hstack(
            rx.link(rx.button("Sign in", variant="soft"), href="/signin"),
            rx.link(rx.button("Sign up"), href="/signup", display=["none", "inline"]),
            spacing="2",
        ),
    )


def navbar() -> rx.Component:
    return rx.el.header(
        rx.el.nav(
            _phone_menu(),
            rx.link(
                rx.hstack(
                    rx.icon("sparkles", size=20, color=rx.color("violet", 10)),
                    rx.text("VibeCoder", size="4", weight="bold"),
                    spacing="2",
                    align="center",
                ),
                href="/",
                underline="none",
                color="inherit",
                aria_label="VibeCoder home",
            ),
            rx.hstack(
                *[
                    rx.link(label, href=href, color_scheme="gray", high_contrast=True)
                    for label, href in NAV_LINKS
                ],
                spacing="4",
                display=["none", "none", "flex"],
            ),
            rx.box(
                _search_box(),
                flex="1",
                display=["none", "none", "block"],
                padding_x="var(--space-3)",
            ),
            rx.hstack(
                *[widget() for widget in NAV_WIDGETS], _account_menu(), spacing="2", align="center"
            ),
            aria_label="Main",
            display="flex",
            align_items="center",
            justify_content="space-between",
            gap="var(--space-4)",
            width="100%",
            max_width="1200px",
            margin_x="auto",
            padding_x=["var(--space-3)", "var(--space-5)"],
            padding_y="var(--space-3)",
        ),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def footer() -> rx.Component:
    return rx.box(
        rx.text(
            "VibeCoder — shop for, build and sell AI-generated code.",
            size="1",
            color_scheme="gray",
        ),
        padding="var(--space-5)",
        text_align="center",
        border_top=f"1px solid {rx.color('gray', 4)}",
        margin_top="var(--space-8)",
    )


def page(*children: rx.Component, max_width: str = "1200px") -> rx.Component:
    return rx.box(
        navbar(),
        rx.el.main(
            *children,
            id="main",
            width="100%",
            max_width=max_width,
            margin_x="auto",
            padding_x=["var(--space-3)", "var(--space-5)"],
            padding_top="var(--space-6)",
            padding_bottom="var(--space-6)",
            min_height="70vh",
        ),
        footer(),
        # Which page the backend has finished loading (its on_load events ran). Form fields
        # typed into before that can be re-rendered empty; the browser tests wait for it.
        rx.el.span(
            id="vc-ready",
            hidden=True,
            data_path=rx.State.router.url.path,
            data_hydrated=rx.cond(rx.State.is_hydrated, "true", "false"),
        ),
        width="100%",
    )


def rich_callout(*children: rx.Component, icon: str, **props) -> rx.Component:
    """A callout around block content. `rx.callout(child)` wraps its child in a <p>; a <p> or
    <div> inside it is invalid HTML, which React reports as a hydration error."""
    return rx.callout.root(rx.callout.icon(rx.icon(icon)), rx.box(*children, width="100%"), **props)


def field_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color_scheme="red", size="1", role="alert"),
    )
