from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from vibecoder.domain.catalog.cards import ListingCard

__all__ = ["ListingCard", "listing_card", "listing_grid"]


def stars(rating: rx.Var, count: rx.Var) -> rx.Component:
    """ "★ 4.2 (12)" with a filled star, or "No reviews yet" instead of a misleading 0."""
    return rx.cond(
        count > 0,
        rx.hstack(
            rx.icon("star", size=12, color=rx.color("amber", 9), fill=rx.color("amber", 9)),
            rx.text(rating, size="1", class_name="rating-value"),
            rx.text("(", count, ")", size="1", color_scheme="gray"),
            spacing="1",
            align="center",
            aria_label=rating.to_string() + " out of 5 stars",
        ),
        rx.text("No reviews yet", size="1", color_scheme="gray"),
    )


API_URL = rx.config.get_config().api_url.rstrip("/")


def cover_image(path: rx.Var, alt: rx.Var, height: str = "140px") -> rx.Component:
    return rx.cond(
        path != "",
        rx.image(
            src=API_URL + path,
            alt=alt,
            width="100%",
            height=height,
            object_fit="cover",
            border_radius="6px",
            loading="lazy",
        ),
    )


def listing_card(
    item: rx.Var, extra: Callable[[rx.Var], rx.Component] | None = None
) -> rx.Component:
    """A listing in a grid: `item` is a ListingCard var; `extra` adds a row under the title."""
    return rx.link(
        rx.card(
            rx.vstack(
                cover_image(item.cover_path, item.title),
                rx.hstack(
                    rx.badge(item.category, variant="soft", size="1"),
                    rx.spacer(),
                    rx.text(item.price_label, weight="bold", size="2"),
                    width="100%",
                ),
                rx.heading(item.title, size="3", as_="h3", trim="both"),
                extra(item) if extra else rx.fragment(),
                rx.text(item.summary, size="2", color_scheme="gray", class_name="line-clamp-2"),
                rx.hstack(
                    rx.text("by ", item.seller_name, size="1", color_scheme="gray"),
                    rx.spacer(),
                    stars(item.rating_label, item.rating_count),
                    width="100%",
                ),
                spacing="2",
                align="start",
                height="100%",
            ),
            height="100%",
            class_name="listing-card",
        ),
        href="/listing/" + item.slug,
        underline="none",
        color="inherit",
        height="100%",
    )


def listing_grid(
    items: rx.Var, extra: Callable[[rx.Var], rx.Component] | None = None, **props
) -> rx.Component:
    return rx.grid(
        rx.foreach(items, lambda item: listing_card(item, extra)),
        columns=rx.breakpoints(initial="1", xs="1", sm="2", md="3", lg="4"),
        spacing="4",
        width="100%",
        **props,
    )
