from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager, select_filter
from vibecoder.components.layout import page
from vibecoder.components.listing_card import listing_grid
from vibecoder.state.browse import LICENSE_LABELS, PRICING_LABELS, SORT_LABELS, BrowseState


def url_notice(state) -> rx.Component:
    """Values in the link that match nothing were ignored: say so instead of failing."""
    return rx.cond(
        state.notice != "",
        rx.callout(state.notice, icon="info", color_scheme="amber", width="100%", id="url-notice"),
    )


def filter_panel(state=BrowseState) -> rx.Component:
    return rx.vstack(
        select_filter(
            "Category", state.category, state.categories, state.set_category, id="filter-category"
        ),
        select_filter(
            "Technology",
            state.technology,
            state.technologies,
            state.set_technology,
            id="filter-technology",
        ),
        select_filter(
            "Pricing",
            state.pricing,
            list(PRICING_LABELS.items()),
            state.set_pricing,
            id="filter-pricing",
        ),
        select_filter(
            "License",
            state.license,
            list(LICENSE_LABELS.items()),
            state.set_license,
            id="filter-license",
        ),
        select_filter(
            "Minimum rating",
            state.min_rating,
            [("4.5", "4.5 ★ and up"), ("4", "4 ★ and up"), ("3", "3 ★ and up")],
            state.set_min_rating,
            id="filter-rating",
        ),
        rx.form(
            rx.vstack(
                rx.text("Price", size="1", color_scheme="gray"),
                rx.hstack(
                    # Controlled by state, so "Clear filters" and a shared link show the truth.
                    rx.input(
                        name="min_price",
                        placeholder="Min",
                        type="number",
                        min=0,
                        step="0.01",
                        aria_label="Minimum price",
                        value=state.min_price,
                        on_change=state.set_min_price_text,
                        id="filter-min-price",
                    ),
                    rx.input(
                        name="max_price",
                        placeholder="Max",
                        type="number",
                        min=0,
                        step="0.01",
                        aria_label="Maximum price",
                        value=state.max_price,
                        on_change=state.set_max_price_text,
                        id="filter-max-price",
                    ),
                ),
                rx.button("Apply price", type="submit", variant="soft", size="1"),
                spacing="1",
            ),
            on_submit=state.apply_price,
        ),
        rx.button(
            "Clear filters",
            variant="ghost",
            size="1",
            on_click=state.clear_filters,
            id="clear-filters",
        ),
        spacing="3",
        width=["100%", "100%", "220px"],
        flex_shrink="0",
    )


def browse_page() -> rx.Component:
    return page(
        rx.hstack(
            rx.heading("Browse", size="7", as_="h1"),
            rx.spacer(),
            rx.select.root(
                rx.select.trigger(aria_label="Sort by", id="sort"),
                rx.select.content(*[rx.select.item(v, value=k) for k, v in SORT_LABELS.items()]),
                value=BrowseState.sort,
                on_change=BrowseState.set_sort,
            ),
            width="100%",
            align="center",
        ),
        rx.flex(
            filter_panel(),
            rx.vstack(
                rx.text(
                    BrowseState.total, " listings", size="2", color_scheme="gray", id="result-count"
                ),
                rx.cond(
                    BrowseState.error != "",
                    rx.callout(BrowseState.error, color_scheme="red", icon="triangle-alert"),
                ),
                url_notice(BrowseState),
                rx.cond(
                    BrowseState.items.length() > 0,
                    listing_grid(BrowseState.items),
                    rx.cond(
                        BrowseState.active_filters > 0,
                        rx.vstack(
                            rx.callout(
                                "No listing matches all of these filters.",
                                icon="search-x",
                                width="100%",
                                id="empty-state",
                            ),
                            rx.button(
                                "Clear filters", variant="soft", on_click=BrowseState.clear_filters
                            ),
                            width="100%",
                        ),
                        rx.callout(
                            "Nothing is published yet. Sellers' listings appear here.",
                            icon="package-open",
                            width="100%",
                            id="empty-state",
                        ),
                    ),
                ),
                pager(BrowseState.page, BrowseState.pages, BrowseState.go_to_page),
                spacing="4",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="5",
            width="100%",
            padding_top="var(--space-4)",
        ),
    )
