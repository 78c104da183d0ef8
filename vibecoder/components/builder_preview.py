"""The builder's Preview and Code tab bodies and its "Sell this" button (BuildPreviewState)."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.code_view import code_view
from vibecoder.state.build_preview import BuildPreviewState as P
from vibecoder.state.build_preview import TreeItem

FRAME_HEIGHT = "640px"


def _frame(url: rx.Var, role: str, version: rx.Var, **props) -> rx.Component:
    # allow-scripts only: with allow-same-origin the page could lift its own sandbox.
    return rx.el.iframe(
        src=url,
        sandbox="allow-scripts",
        width=P.frame_width,
        height=FRAME_HEIGHT,
        data_preview_role=role,
        data_version=version,
        **props,
    )


def _viewport_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("Mobile", value="mobile", aria_label="Mobile, 375 pixels"),
        rx.segmented_control.item("Tablet", value="tablet", aria_label="Tablet, 768 pixels"),
        rx.segmented_control.item("Desktop", value="desktop", aria_label="Desktop, full width"),
        value=P.viewport,
        on_change=P.set_viewport,
        size="1",
        aria_label="Preview width",
        data_testid="viewport-switch",
    )


def _runtime_error() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("bug")),
        rx.vstack(
            rx.text("The preview hit an error (version ", P.runtime_version, ")", weight="bold"),
            rx.code(P.runtime_error, white_space="pre-wrap", word_break="break-word"),
            rx.button(
                rx.icon("wand-sparkles", size=14),
                "Fix with AI",
                size="1",
                on_click=P.fix_with_ai,
                disabled=P.following,
            ),
            spacing="2",
            align="start",
        ),
        color_scheme="red",
        role="alert",
        width="100%",
        data_testid="runtime-error",
    )


def preview_panel() -> rx.Component:
    return rx.vstack(
        # React 19 loads an async script once, hoisted to <head> (rx.script goes through
        # react-helmet, whose legacy lifecycle React reports as a console error).
        rx.el.script(src="/builder_preview.js", async_=True),
        # assets/builder_preview.js writes the iframes' messages here (Reflex cannot listen to
        # postMessage itself); hidden from people and assistive technology.
        rx.el.input(
            id="preview-bridge",
            type="text",
            on_change=P.bridge,
            aria_hidden="true",
            tab_index=-1,
            style={"display": "none"},
        ),
        rx.hstack(
            _viewport_switch(),
            rx.spacer(),
            rx.cond(
                P.shadow_url != "",
                rx.hstack(
                    rx.spinner(size="1"),
                    rx.text("Testing version ", P.candidate_version, "…", size="1"),
                    align="center",
                    spacing="1",
                    role="status",
                ),
            ),
            rx.cond(
                P.shown_version > 0,
                rx.text(
                    "Version ", P.shown_version, size="1", color_scheme="gray", data_testid="shown"
                ),
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            P.shadow_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(P.shadow_error),
                color_scheme="amber",
                role="alert",
                width="100%",
                data_testid="shadow-error",
            ),
        ),
        rx.box(
            rx.cond(
                P.visible_url != "",
                _frame(
                    P.visible_url,
                    "visible",
                    P.shown_version,
                    title="Preview of version " + P.shown_version.to_string(),
                    style={
                        "border": "1px solid var(--gray-6)",
                        "border_radius": "8px",
                        "display": "block",
                        "margin": "0 auto",
                        "background": "white",
                    },
                    data_testid="preview-frame",
                ),
                rx.center(
                    rx.cond(
                        P.candidate_version > 0,
                        rx.hstack(rx.spinner(), rx.text("Loading the preview…")),
                        rx.text(
                            "No version yet: the preview appears when the first step is built."
                        ),
                    ),
                    height="200px",
                ),
            ),
            rx.cond(
                P.shadow_url != "",
                # The shadow tester: same size, loaded out of sight, never focusable.
                _frame(
                    P.shadow_url,
                    "shadow",
                    P.candidate_version,
                    title="Preview test load",
                    aria_hidden="true",
                    tab_index=-1,
                    style={
                        "position": "absolute",
                        "top": "0",
                        "left": "0",
                        "visibility": "hidden",
                        "pointer_events": "none",
                        "border": "0",
                    },
                    data_testid="shadow-frame",
                ),
            ),
            position="relative",
            width="100%",
            overflow_x="auto",
        ),
        rx.cond(P.runtime_error != "", _runtime_error()),
        width="100%",
        spacing="2",
    )


def _tree_row(item: TreeItem) -> rx.Component:
    indent = (item.depth * 14).to_string() + "px"
    return rx.cond(
        item.is_dir,
        rx.hstack(
            rx.icon("folder", size=14),
            rx.text(item.name, size="1", color_scheme="gray"),
            padding_left=indent,
            align="center",
            spacing="1",
        ),
        rx.button(
            rx.icon("file-code", size=14),
            rx.text(item.name, size="1", trim="both"),
            size="1",
            variant=rx.cond(item.path == P.open_path, "soft", "ghost"),
            color_scheme="gray",
            justify_content="flex-start",
            padding_left=indent,
            width="100%",
            on_click=P.open_file(item.path),
            aria_label="Open " + item.path,
            aria_current=rx.cond(item.path == P.open_path, "true", "false"),
        ),
    )


def code_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Files of version ", P.tree_version, size="2", color_scheme="gray"),
            rx.spacer(),
            rx.cond(
                P.zip_url != "",
                # A new tab takes the download: navigating this page, even to a file, would
                # drop and re-hydrate its websocket (Reflex disconnects on beforeunload).
                rx.link(
                    rx.hstack(rx.icon("download", size=14), "Download zip", align="center"),
                    href=P.zip_url,
                    is_external=True,
                    rel="noopener noreferrer",
                    aria_label="Download version " + P.tree_version.to_string() + " as a zip",
                    data_testid="download-zip",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            P.tree.length() > 0,
            rx.flex(
                rx.vstack(
                    rx.foreach(P.tree, _tree_row),
                    spacing="1",
                    width=["100%", "100%", "220px"],
                    flex_shrink="0",
                    max_height="600px",
                    overflow_y="auto",
                    role="navigation",
                    aria_label="Project files",
                ),
                rx.vstack(
                    rx.hstack(
                        rx.code(P.open_path),
                        rx.badge(P.open_language, variant="outline"),
                        align="center",
                    ),
                    code_view(
                        P.open_text,
                        P.open_language,
                        max_height="600px",
                        data_testid="builder-code",
                    ),
                    width="100%",
                    min_width="0",
                    spacing="2",
                ),
                direction=rx.breakpoints(initial="column", md="row"),
                spacing="3",
                width="100%",
            ),
            rx.text("No files yet: build something first.", color_scheme="gray"),
        ),
        on_mount=P.load_code,
        width="100%",
        spacing="2",
    )


def sell_button() -> rx.Component:
    return rx.vstack(
        rx.button(
            rx.icon("store", size=14),
            "Sell this",
            on_click=P.sell,
            disabled=P.latest_version == 0,
            loading=P.selling,
            data_testid="sell-this",
        ),
        rx.cond(
            P.sell_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.vstack(
                    rx.callout.text(P.sell_error),
                    rx.cond(
                        P.sell_needs_seller,
                        rx.button(
                            "Become a seller and list this",
                            size="1",
                            on_click=P.become_seller_and_sell,
                        ),
                    ),
                    spacing="2",
                    align="start",
                ),
                role="alert",
                size="1",
                data_testid="sell-error",
            ),
        ),
        align="end",
        spacing="2",
    )
