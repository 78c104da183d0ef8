"""Similar listings beside a listing: a short list of nearest neighbours by meaning."""

from __future__ import annotations

import reflex as rx

from vibecoder.state.similar import SimilarListingsState


def _row(item: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.text(item.title, weight="medium", size="2"),
                rx.text(item.category, " · by ", item.seller_name, size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.text(item.price_label, size="2", weight="bold", white_space="nowrap"),
            width="100%",
            align="center",
        ),
        href="/listing/" + item.slug,
        underline="none",
        color="inherit",
        width="100%",
    )


def similar_listings_panel() -> rx.Component:
    return rx.cond(
        SimilarListingsState.items.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Similar listings", size="3", as_="h2"),
                rx.foreach(SimilarListingsState.items, _row),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="similar-listings",
        ),
    )
