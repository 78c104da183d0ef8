from __future__ import annotations

import reflex as rx

from vibecoder.components.layout import page
from vibecoder.components.listing_card import ListingCard, listing_grid
from vibecoder.domain.catalog.cards import featured_listings
from vibecoder.infra.db import session_scope
from vibecoder.state.auth import AuthState


class HomeState(AuthState):
    featured: list[ListingCard] = []
    loaded: bool = False

    @rx.event
    def load(self):
        with session_scope() as session:
            self.featured = featured_listings(session=session, limit=8)
        self.loaded = True


def hero() -> rx.Component:
    return rx.vstack(
        rx.heading(
            "Shop for, build and sell AI-generated code",
            size=rx.breakpoints(initial="7", md="9"),
            weight="bold",
        ),
        rx.text(
            "Every listing shows which model wrote it, from which prompts, and lets you read "
            "the code before you buy.",
            size="4",
            color_scheme="gray",
            max_width="640px",
        ),
        spacing="4",
        padding_y=["var(--space-6)", "var(--space-9)"],
        align="start",
    )


def featured_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Featured", size="5", as_="h2"),
        rx.cond(
            HomeState.loaded,
            rx.cond(
                HomeState.featured.length() > 0,
                listing_grid(HomeState.featured),
                rx.callout(
                    "No listings yet. Sellers' first listings will appear here.",
                    icon="info",
                    width="100%",
                ),
            ),
            rx.grid(
                *[rx.skeleton(height="140px") for _ in range(4)],
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        id="featured",
    )


def index() -> rx.Component:
    return page(hero(), featured_section())
