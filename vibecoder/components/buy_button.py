"""The Buy / Get button in a listing's buy box (registered in listing.ACTION_SLOTS)."""

from __future__ import annotations

import reflex as rx

from vibecoder.state.purchase import PurchaseState as P


def buy_button() -> rx.Component:
    return rx.vstack(
        rx.match(
            P.action,
            (
                "buy",
                rx.button(
                    rx.icon("shopping-cart", size=16),
                    "Buy for ",
                    P.price_label,
                    on_click=P.buy,
                    loading=P.busy,
                    size="3",
                    width="100%",
                    id="buy-button",
                ),
            ),
            (
                "get",
                rx.button(
                    rx.icon("download", size=16),
                    "Get for free",
                    on_click=P.get_free,
                    size="3",
                    width="100%",
                    id="get-button",
                ),
            ),
            (
                "owned",
                rx.link(
                    rx.button(
                        rx.icon("library", size=16),
                        "In your library",
                        variant="soft",
                        color_scheme="green",
                        size="3",
                        width="100%",
                    ),
                    href="/library",
                    width="100%",
                    id="owned-link",
                ),
            ),
            ("own_listing", rx.text("This is your listing.", size="2", color_scheme="gray")),
            rx.fragment(),
        ),
        rx.cond(
            P.test_payments & (P.action == "buy"),
            rx.text(
                "Test payments: no real money moves; use test card 4242 4242 4242 4242.",
                size="1",
                color_scheme="amber",
                id="test-payments-note",
            ),
        ),
        rx.cond(P.error != "", rx.text(P.error, size="2", color_scheme="red", role="alert")),
        spacing="2",
        width="100%",
    )
