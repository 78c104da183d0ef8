"""Remix pieces: the "Open in builder" button and the "Remixed from …" line (RemixState)."""

from __future__ import annotations

import reflex as rx

from vibecoder.state.remix import RemixState as R


def remixed_from() -> rx.Component:
    """ "Remixed from <parent> v1.2", linking the parent's page when the viewer may open it."""
    label = rx.cond(
        R.parent_version != "", R.parent_title + " v" + R.parent_version, R.parent_title
    )
    return rx.cond(
        R.parent_title != "",
        rx.hstack(
            rx.icon("git-fork", size=14, flex_shrink="0", margin_top="3px"),
            rx.text(
                "Remixed from ",
                rx.cond(
                    R.parent_visible,
                    rx.link(label, href="/listing/" + R.parent_slug, id="remixed-from-link"),
                    rx.text.strong(label),
                ),
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
            align="start",
            id="remixed-from",
        ),
    )


def open_in_builder_button() -> rx.Component:
    return rx.cond(
        R.offer_fork,
        rx.button(
            rx.icon("git-fork", size=14),
            "Open in builder",
            on_click=R.open_in_builder("", 0),
            loading=R.opening,
            variant="soft",
            width="100%",
            id="open-in-builder",
        ),
    )


def listing_remix_slot() -> rx.Component:
    """The listing page's buy box: where the code came from, and the way to remix it."""
    return rx.vstack(remixed_from(), open_in_builder_button(), spacing="2", width="100%")


def library_open_button(slug: rx.Var, version_id: rx.Var) -> rx.Component:
    """The purchased version (0: none recorded, the latest) of the library entry's listing."""
    return rx.button(
        rx.icon("git-fork", size=14),
        "Open in builder",
        size="1",
        variant="soft",
        on_click=R.open_in_builder(slug, version_id),
        class_name="open-in-builder",
    )
