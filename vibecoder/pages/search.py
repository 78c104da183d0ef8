"""/search: results as you type, why each matched, the browse filters, suggestions when empty."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.components.listing_card import listing_grid
from vibecoder.pages.browse import filter_panel, url_notice
from vibecoder.state.search import SUGGESTIONS, SearchState


def _why_matched(item: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            item.keyword,
            rx.badge(rx.icon("text-search", size=12), "keyword match", color_scheme="blue"),
        ),
        rx.cond(
            item.semantic,
            rx.badge(rx.icon("sparkles", size=12), "similar meaning", color_scheme="violet"),
        ),
        spacing="1",
        wrap="wrap",
        class_name="match-reasons",
    )


def _suggestions(title: str) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", color_scheme="gray"),
        rx.flex(
            *[
                rx.button(
                    text,
                    variant="soft",
                    size="2",
                    radius="full",
                    on_click=SearchState.use_suggestion(text),
                )
                for text in SUGGESTIONS
            ],
            wrap="wrap",
            spacing="2",
        ),
        spacing="2",
        width="100%",
        id="search-suggestions",
    )


def _empty() -> rx.Component:
    """Why nothing is shown: the filters, or no listing close enough to the words."""
    return rx.vstack(
        rx.cond(
            SearchState.active_filters > 0,
            rx.vstack(
                rx.callout(
                    "Nothing matches “" + SearchState.query + "” with these filters.",
                    icon="search-x",
                    width="100%",
                    id="no-results",
                ),
                rx.button("Clear filters", variant="soft", on_click=SearchState.clear_filters),
                width="100%",
            ),
            rx.callout(
                "No results for “"
                + SearchState.query
                + "”: no listing is close enough to these words. Try describing what the code "
                "does, or one of these:",
                icon="search-x",
                width="100%",
                id="no-results",
            ),
        ),
        _suggestions("Searches that find something:"),
        spacing="3",
        width="100%",
    )


def _results() -> rx.Component:
    return rx.cond(
        SearchState.query.strip() == "",
        _suggestions("Describe what you want in your own words, or try:"),
        rx.cond(
            # Only the answer to what is in the box: an older query's cards never show.
            SearchState.shown_query != SearchState.query,
            rx.hstack(rx.spinner(), rx.text("Searching…"), id="searching", width="100%"),
            rx.cond(
                SearchState.results.length() > 0,
                rx.vstack(
                    rx.cond(
                        SearchState.corrected != "",
                        rx.text(
                            "Showing results for ",
                            rx.text.em(SearchState.corrected),
                            size="2",
                            id="corrected-query",
                        ),
                    ),
                    rx.text(
                        SearchState.total,
                        " results",
                        size="2",
                        color_scheme="gray",
                        id="result-count",
                        aria_live="polite",
                    ),
                    listing_grid(SearchState.results, _why_matched, id="search-results"),
                    pager(SearchState.page, SearchState.pages, SearchState.go_to_page),
                    spacing="4",
                    width="100%",
                ),
                _empty(),
            ),
        ),
    )


def search_page() -> rx.Component:
    return page(
        rx.heading("Search", size="7", as_="h1"),
        rx.hstack(
            rx.debounce_input(
                rx.input(
                    rx.input.slot(rx.icon("search", size=16)),
                    placeholder="e.g. a dark landing page for a coffee shop",
                    value=SearchState.query,
                    on_change=SearchState.set_query,
                    size="3",
                    width="100%",
                    max_length=200,
                    aria_label="Search listings",
                    id="search-input",
                    auto_focus=True,
                ),
                debounce_timeout=300,
            ),
            rx.cond(SearchState.searching, rx.spinner(size="3", aria_label="Searching")),
            width="100%",
            align="center",
        ),
        rx.cond(
            SearchState.error != "",
            rx.callout(SearchState.error, color_scheme="red", icon="triangle-alert"),
        ),
        url_notice(SearchState),
        rx.flex(
            filter_panel(SearchState),
            _results(),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="5",
            width="100%",
            padding_top="var(--space-4)",
        ),
    )
