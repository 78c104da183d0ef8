"""/listing/[slug]: everything a buyer needs to decide, including the code itself."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from vibecoder.components.code_view import code_view
from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.components.listing_card import cover_image
from vibecoder.components.safe_markdown import safe_markdown
from vibecoder.domain.catalog.detail import FileEntry, PromptEntry, ReviewEntry, VersionEntry
from vibecoder.state.listing import ListingState

L = ListingState.listing

# Later features (sandbox runs, checkout) add their panels here without editing this page.
ACTION_SLOTS: list[Callable[[], rx.Component]] = []
SIDE_PANELS: list[Callable[[], rx.Component]] = []


def _header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(L.category, variant="soft"),
            rx.cond(L.status != "published", rx.badge(L.status, color_scheme="amber")),
            rx.foreach(
                L.technologies, lambda t: rx.badge(t, variant="outline", color_scheme="gray")
            ),
            wrap="wrap",
            spacing="2",
        ),
        rx.heading(L.title, size=rx.breakpoints(initial="6", md="8"), id="listing-title"),
        rx.text(L.summary, size="4", color_scheme="gray"),
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.avatar(fallback=L.seller_name[:2], size="1", radius="full"),
                    rx.text(L.seller_name, weight="medium"),
                    align="center",
                    spacing="2",
                ),
                href="/u/" + L.seller_username,
            ),
            rx.tooltip(
                rx.badge("reputation ", L.seller_reputation, color_scheme="violet"),
                content="0–100 from ratings, sales, refunds and verified tests",
            ),
            rx.cond(
                L.rating_count > 0,
                rx.hstack(
                    rx.icon("star", size=14, color=rx.color("amber", 9), fill=rx.color("amber", 9)),
                    rx.text(
                        L.rating_label,
                        " (",
                        L.rating_count,
                        rx.cond(L.rating_count == 1, " review)", " reviews)"),
                        size="2",
                        id="listing-rating",
                    ),
                    align="center",
                    spacing="1",
                ),
                rx.text("No reviews yet", size="2", color_scheme="gray", id="listing-rating"),
            ),
            wrap="wrap",
            spacing="4",
            align="center",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _buy_box() -> rx.Component:
    return rx.card(
        rx.vstack(
            # Full width on phones, the 300 px column on desktops; 16:9 like the image itself.
            cover_image(
                L.cover_path,
                L.title,
                height="auto",
                card_path=L.cover_card_path,
                sizes="(max-width: 768px) 100vw, 300px",
                aspect_ratio="16 / 9",
                id="listing-cover",
            ),
            rx.heading(L.price_label, size="7", id="price"),
            rx.text("License: ", rx.text.strong(L.license_type), size="2"),
            rx.text("Latest version ", rx.code(L.latest_version), size="2"),
            *[slot() for slot in ACTION_SLOTS],
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _file_row(entry: FileEntry) -> rx.Component:
    return rx.button(
        rx.icon(rx.cond(entry.is_binary, "file-box", "file-code"), size=14),
        rx.text(entry.path, size="1", trim="both", class_name="truncate"),
        variant=rx.cond(ListingState.selected_path == entry.path, "soft", "ghost"),
        color_scheme="gray",
        justify_content="flex-start",
        width="100%",
        disabled=entry.is_binary,
        on_click=ListingState.open_file(entry.path),
        aria_label="Open " + entry.path,
        class_name="file-row",
    )


def _code_tab() -> rx.Component:
    return rx.cond(
        L.files.length() > 0,
        rx.flex(
            rx.vstack(
                rx.text("Files", size="1", color_scheme="gray"),
                rx.foreach(L.files, _file_row),
                spacing="1",
                width=["100%", "100%", "240px"],
                flex_shrink="0",
                max_height="560px",
                overflow_y="auto",
                id="file-tree",
            ),
            rx.vstack(
                rx.hstack(
                    rx.code(ListingState.selected_path),
                    rx.badge(ListingState.code_language, variant="outline"),
                    align="center",
                ),
                rx.cond(
                    ListingState.code_notice != "",
                    rx.callout(ListingState.code_notice, icon="info", size="1"),
                ),
                code_view(
                    ListingState.code,
                    ListingState.code_language,
                    max_height="560px",
                    id="code-viewer",
                ),
                width="100%",
                min_width="0",
                spacing="2",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="4",
            width="100%",
        ),
        rx.text("No files published yet.", color_scheme="gray"),
    )


def _prompt(entry: PromptEntry) -> rx.Component:
    return rx.box(
        rx.text(
            rx.cond(entry.role == "user", "Prompt", "Model"),
            size="1",
            weight="bold",
            color_scheme=rx.cond(entry.role == "user", "violet", "gray"),
        ),
        rx.text(entry.content, size="2", white_space="pre-wrap"),
        padding="var(--space-3)",
        border_radius="8px",
        background=rx.cond(entry.role == "user", rx.color("violet", 3), rx.color("gray", 3)),
        width="100%",
    )


def _provenance_tab() -> rx.Component:
    return rx.cond(
        L.ai_model != "",
        rx.vstack(
            rx.data_list.root(
                rx.data_list.item(rx.data_list.label("Model"), rx.data_list.value(L.ai_model)),
                rx.data_list.item(
                    rx.data_list.label("Provider"), rx.data_list.value(L.ai_provider)
                ),
                rx.data_list.item(
                    rx.data_list.label("Tokens"),
                    rx.data_list.value(L.ai_tokens),
                ),
                rx.data_list.item(
                    rx.data_list.label("Temperature"), rx.data_list.value(L.ai_temperature)
                ),
                rx.data_list.item(
                    rx.data_list.label("Generated"), rx.data_list.value(L.ai_generated)
                ),
            ),
            rx.heading("Prompt history", size="3", as_="h3"),
            rx.foreach(L.prompts, _prompt),
            spacing="3",
            width="100%",
            id="provenance",
        ),
        rx.text("The seller has not recorded how this code was generated.", color_scheme="gray"),
    )


def _version(entry: VersionEntry) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(entry.version, size="3", as_="h3"),
                rx.cond(entry.is_latest, rx.badge("latest", color_scheme="green")),
                rx.cond(~entry.is_published, rx.badge("draft", color_scheme="amber")),
                rx.cond(
                    entry.tests != "",
                    rx.badge(
                        rx.icon(rx.cond(entry.tests_ok, "badge-check", "flask-conical"), size=12),
                        entry.tests,
                        color_scheme=rx.cond(entry.tests_ok, "green", "gray"),
                        variant="soft",
                    ),
                ),
                rx.spacer(),
                rx.text(entry.published, size="1", color_scheme="gray"),
                width="100%",
            ),
            safe_markdown(entry.changelog),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _stars(count: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            rx.Var.range(5),
            lambda i: rx.icon(
                "star",
                size=12,
                color=rx.cond(i < count, rx.color("amber", 9), rx.color("gray", 6)),
                fill=rx.cond(i < count, rx.color("amber", 9), "none"),
            ),
        ),
        spacing="0",
    )


def _review(entry: ReviewEntry) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                _stars(entry.rating),
                rx.text(entry.reviewer, weight="medium", size="2"),
                rx.cond(
                    entry.verified_buyer,
                    rx.badge(
                        rx.icon("badge-check", size=12),
                        "Verified buyer",
                        color_scheme="green",
                        variant="soft",
                        class_name="verified-buyer",
                    ),
                ),
                rx.spacer(),
                rx.text(entry.date, size="1", color_scheme="gray"),
                width="100%",
            ),
            rx.text(entry.body, size="2"),
            rx.cond(
                entry.seller_reply != "",
                rx.box(
                    rx.text("Seller reply", size="1", weight="bold"),
                    rx.text(entry.seller_reply, size="2"),
                    padding_left="var(--space-3)",
                    border_left=f"2px solid {rx.color('violet', 7)}",
                ),
                rx.cond(
                    L.is_owner,
                    rx.form(
                        rx.hstack(
                            # The review travels in the form: a foreach item captured in an
                            # on_submit lambda compiles to an undefined name in the page's JS
                            # (the Reply button did nothing).
                            rx.el.input(type="hidden", name="review_id", value=entry.id),
                            rx.input(
                                name="reply",
                                placeholder="Reply once, publicly",
                                aria_label="Reply to review",
                            ),
                            rx.button("Reply", type="submit", size="1", variant="soft"),
                        ),
                        on_submit=ListingState.reply,
                    ),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _breakdown() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            L.breakdown,
            lambda count, i: rx.hstack(
                rx.text(5 - i, "★", size="1", width="28px"),
                rx.progress(
                    value=rx.cond(L.rating_count > 0, count * 100 / L.rating_count, 0),
                    width="160px",
                ),
                rx.text(count, size="1", color_scheme="gray"),
                align="center",
            ),
        ),
        spacing="1",
        id="rating-breakdown",
    )


def _reviews_tab() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.vstack(
                rx.heading(rx.cond(L.rating_count > 0, L.rating_label, "–"), size="8", as_="p"),
                rx.text(
                    rx.cond(
                        L.rating_count > 0,
                        L.rating_count.to_string()
                        + rx.cond(L.rating_count == 1, " review", " reviews"),
                        "No reviews yet",
                    ),
                    size="2",
                ),
            ),
            _breakdown(),
            spacing="6",
            wrap="wrap",
        ),
        rx.cond(
            ListingState.is_authenticated & ~L.is_owner,
            rx.form(
                rx.vstack(
                    rx.heading("Your review", size="3", as_="h3"),
                    rx.radio_group(
                        ["5", "4", "3", "2", "1"],
                        name="rating",
                        direction="row",
                        aria_label="Stars",
                    ),
                    rx.text_area(
                        name="body",
                        placeholder="What worked, what did not?",
                        aria_label="Review text",
                        width="100%",
                    ),
                    rx.button("Save review", type="submit"),
                    rx.cond(
                        ListingState.review_error != "",
                        rx.text(
                            ListingState.review_error, color_scheme="red", size="2", role="alert"
                        ),
                    ),
                    rx.cond(
                        ListingState.review_message != "",
                        rx.text(ListingState.review_message, color_scheme="green", size="2"),
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=ListingState.submit_review,
                width="100%",
            ),
        ),
        rx.cond(
            ListingState.reviews.length() > 0,
            rx.vstack(rx.foreach(ListingState.reviews, _review), width="100%", spacing="3"),
            rx.text("No reviews yet.", color_scheme="gray"),
        ),
        rx.cond(
            ListingState.reviews_pages > 1,
            pager(
                ListingState.reviews_page,
                ListingState.reviews_pages,
                ListingState.go_to_reviews_page,
            ),
        ),
        spacing="4",
        width="100%",
    )


def _demo_tab() -> rx.Component:
    """The seller's page, live: from the preview origin, in a frame that may run scripts and
    nothing else (no same-origin, no forms, no popups, no top navigation). Radix mounts the
    tab's content only once it is opened, and the frame loads lazily on top of that."""
    return rx.cond(
        ListingState.demo_url != "",
        rx.vstack(
            rx.el.iframe(
                src=ListingState.demo_url,
                sandbox="allow-scripts",
                loading="lazy",
                title="Live demo of " + L.title,
                referrer_policy="no-referrer",
                id="live-demo",
                width="100%",
                height=rx.breakpoints(initial="70vh", md="640px"),
                border=f"1px solid {rx.color('gray', 6)}",
                border_radius="8px",
                background="white",
            ),
            rx.hstack(
                rx.text(
                    "Runs sandboxed on a separate site: it cannot see your account.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.spacer(),
                rx.link(
                    "Open in a new tab",
                    href=ListingState.demo_url,
                    is_external=True,
                    rel="noopener noreferrer",
                    size="1",
                ),
                width="100%",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Overview", value="overview"),
            rx.tabs.trigger("Code", value="code", id="tab-code"),
            rx.tabs.trigger("AI provenance", value="ai", id="tab-ai"),
            rx.tabs.trigger("Versions", value="versions"),
            rx.tabs.trigger("Reviews", value="reviews", id="tab-reviews"),
            rx.cond(
                ListingState.demo_url != "",
                rx.tabs.trigger("Live demo", value="demo", id="tab-demo"),
            ),
            overflow_x="auto",
        ),
        rx.tabs.content(
            rx.box(safe_markdown(L.description), padding_y="var(--space-4)"), value="overview"
        ),
        rx.tabs.content(rx.box(_code_tab(), padding_y="var(--space-4)"), value="code"),
        rx.tabs.content(rx.box(_provenance_tab(), padding_y="var(--space-4)"), value="ai"),
        rx.tabs.content(
            rx.vstack(
                rx.foreach(L.versions, _version),
                padding_y="var(--space-4)",
                spacing="3",
                width="100%",
            ),
            value="versions",
        ),
        rx.tabs.content(rx.box(_reviews_tab(), padding_y="var(--space-4)"), value="reviews"),
        rx.tabs.content(rx.box(_demo_tab(), padding_y="var(--space-4)"), value="demo"),
        default_value="overview",
        width="100%",
    )


def listing_page() -> rx.Component:
    return page(
        rx.cond(
            ListingState.not_found,
            rx.cond(
                ListingState.removed_notice != "",
                rx.vstack(
                    rx.heading("This listing was removed", size="6"),
                    rx.callout(
                        ListingState.removed_notice,
                        icon="ban",
                        color_scheme="red",
                        id="listing-removed",
                    ),
                    rx.link("Browse listings", href="/browse"),
                    spacing="3",
                    padding_y="var(--space-8)",
                ),
                rx.vstack(
                    rx.heading("Listing not found", size="6"),
                    rx.text("It may have been archived or never published."),
                    rx.link("Browse listings", href="/browse"),
                    spacing="3",
                    padding_y="var(--space-8)",
                ),
            ),
            rx.cond(
                L,
                rx.vstack(
                    rx.cond(
                        L.status == "taken_down",
                        rx.callout(
                            "Taken down by moderation: hidden from the marketplace. "
                            "Buyers keep their downloads.",
                            icon="ban",
                            color_scheme="red",
                            width="100%",
                            id="listing-taken-down",
                        ),
                    ),
                    rx.flex(
                        rx.box(_header(), flex="1", min_width="0"),
                        rx.box(_buy_box(), width=["100%", "100%", "300px"], flex_shrink="0"),
                        direction=rx.breakpoints(initial="column", md="row"),
                        spacing="5",
                        width="100%",
                    ),
                    *[panel() for panel in SIDE_PANELS],
                    _tabs(),
                    spacing="5",
                    width="100%",
                ),
                rx.center(rx.spinner(size="3"), padding="var(--space-9)"),
            ),
        )
    )
