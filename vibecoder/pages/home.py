from __future__ import annotations

import reflex as rx

from vibecoder.components.layout import page
from vibecoder.components.listing_card import ListingCard, listing_grid
from vibecoder.domain.catalog.home import CategoryCount, CreatorCard, home_page
from vibecoder.state.auth import AuthState
from vibecoder.state.offloop import in_thread


class HomeState(AuthState):
    featured: list[ListingCard] = []
    newest: list[ListingCard] = []
    trending: list[ListingCard] = []
    categories: list[CategoryCount] = []
    creators: list[CreatorCard] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        featured, view = await in_thread(lambda session: home_page(session=session))
        self.featured = featured
        self.newest, self.trending = view.newest, view.trending
        self.categories, self.creators = view.categories, view.creators
        self.loaded = True


TRUST = [
    ("badge-check", "Verified tests", "Each version's own tests run in our sandbox on publish."),
    ("sparkles", "Provenance", "Which model wrote it, with which prompts, on every listing."),
    ("square-terminal", "Try before you buy", "Run it in an isolated sandbox from the page."),
    ("file-code", "Read the code", "Browse every file before you pay."),
]
STEPS = [
    ("Buyers", "Search in your own words, read the code, run it, buy once and download updates."),
    ("Sellers", "Upload or build with AI, record provenance, publish after a secret scan."),
    ("Builders", "Describe a page; the builder plans, writes and previews it; sell it in a click."),
]


def _category(c: CategoryCount) -> rx.Component:
    return rx.link(
        rx.badge(c.name, " · ", c.count, size="2", variant="surface", radius="full"),
        href=c.href,
        underline="none",
    )


def _creator(c: CreatorCard) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.avatar(fallback=c.name[:2], radius="full"),
                rx.vstack(
                    rx.text(c.name, weight="medium"),
                    rx.text(
                        c.listings,
                        " listings · ",
                        c.sales,
                        " sales",
                        rx.cond(c.rating_label != "", " · ★ " + c.rating_label, ""),
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="0",
                ),
                align="center",
            ),
            width="100%",
        ),
        href="/u/" + c.username,
        underline="none",
        color="inherit",
    )


def _section(title: str, body: rx.Component, id: str) -> rx.Component:
    return rx.vstack(rx.heading(title, size="5", as_="h2"), body, spacing="3", width="100%", id=id)


def more_sections() -> rx.Component:
    return rx.vstack(
        _section(
            "Categories",
            rx.flex(rx.foreach(HomeState.categories, _category), wrap="wrap", spacing="2"),
            "home-categories",
        ),
        _section("New", listing_grid(HomeState.newest), "home-new"),
        _section("Trending", listing_grid(HomeState.trending), "home-trending"),
        _section(
            "Top creators",
            rx.grid(
                rx.foreach(HomeState.creators, _creator),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            "home-creators",
        ),
        _section(
            "How it works",
            rx.grid(
                *[
                    rx.card(rx.heading(who, size="3", as_="h3"), rx.text(what, size="2"))
                    for who, what in STEPS
                ],
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="3",
                width="100%",
            ),
            "home-how",
        ),
        _section(
            "Why buy here",
            rx.grid(
                *[
                    rx.hstack(
                        rx.icon(icon, size=20, color=rx.color("violet", 10)),
                        rx.vstack(
                            rx.text(name, weight="bold"),
                            rx.text(text, size="2", color_scheme="gray"),
                            spacing="0",
                        ),
                        align="start",
                    )
                    for icon, name, text in TRUST
                ],
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="4",
                width="100%",
            ),
            "home-trust",
        ),
        spacing="7",
        width="100%",
        padding_top="var(--space-6)",
    )


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
    return page(hero(), featured_section(), rx.cond(HomeState.loaded, more_sections()))
