"""/u/[username]: a creator's public profile."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.components.listing_card import listing_grid
from vibecoder.state.profile import ProfileState

C = ProfileState.creator


def _stat(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.heading(value, size="5", as_="h2"),
        rx.text(label, size="1", color_scheme="gray"),
        spacing="0",
        align="start",
    )


def profile_page() -> rx.Component:
    return page(
        rx.cond(
            ProfileState.not_found,
            rx.heading("No such creator", size="6"),
            rx.cond(
                C,
                rx.vstack(
                    rx.hstack(
                        rx.avatar(
                            src=C.avatar_url, fallback=C.display_name[:2], size="6", radius="full"
                        ),
                        rx.vstack(
                            rx.heading(C.display_name, size="7", id="creator-name"),
                            rx.text(
                                "@",
                                C.username,
                                " · member since ",
                                C.member_since,
                                size="2",
                                color_scheme="gray",
                            ),
                            spacing="1",
                        ),
                        align="center",
                        spacing="4",
                        wrap="wrap",
                    ),
                    rx.text(C.bio, white_space="pre-wrap"),
                    rx.hstack(
                        rx.foreach(
                            C.links, lambda link: rx.link(link, href=link, is_external=True)
                        ),
                        wrap="wrap",
                        spacing="3",
                    ),
                    rx.hstack(
                        _stat("Reputation", C.reputation),
                        _stat("Sales", C.total_sales),
                        _stat(
                            "Rating",
                            rx.cond(C.rating_count > 0, C.rating_avg.to_string(), "No reviews yet"),
                        ),
                        _stat("Listings", C.listing_count),
                        spacing="7",
                        wrap="wrap",
                    ),
                    rx.heading("Listings", size="5", as_="h2", padding_top="var(--space-4)"),
                    rx.cond(
                        ProfileState.listings.length() > 0,
                        listing_grid(ProfileState.listings),
                        rx.text("No published listings yet.", color_scheme="gray"),
                    ),
                    rx.cond(
                        ProfileState.pages > 1,
                        pager(ProfileState.page, ProfileState.pages, ProfileState.go_to_page),
                    ),
                    spacing="4",
                    width="100%",
                ),
                rx.center(rx.spinner(size="3"), padding="var(--space-9)"),
            ),
        )
    )
