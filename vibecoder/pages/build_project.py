"""/build/[project]: chat and prompt on the left; Preview | Code | History on the right."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.builder_chat import chat_panel
from vibecoder.components.builder_preview import code_panel, preview_panel, sell_button
from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.state.build import BuildProjectState as S
from vibecoder.state.build_views import VersionItem
from vibecoder.state.builder_pane import BuilderPaneState as P


def _version(item: VersionItem) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text("v", item.number, " · ", item.message, weight="medium"),
            rx.text(item.when, " · ", item.model, " · ", item.tokens, " tokens", size="1"),
            spacing="0",
        ),
        rx.spacer(),
        rx.button("Open", size="1", variant="soft", on_click=S.open_version(item.number)),
        rx.button("Restore", size="1", variant="outline", on_click=S.restore(item.number)),
        width="100%",
        align="center",
    )


def build_project_page() -> rx.Component:
    return page(
        rx.cond(
            S.missing,
            rx.callout("No such project.", icon="triangle-alert"),
            rx.vstack(
                rx.hstack(
                    rx.heading(S.name, size="6", as_="h1"),
                    rx.spacer(),
                    sell_button(),
                    width="100%",
                    align="start",
                    wrap="wrap",
                ),
                # Phones show one half at a time instead of the preview 2,000 px down.
                rx.box(
                    rx.segmented_control.root(
                        rx.segmented_control.item("Chat", value="chat"),
                        rx.segmented_control.item("Preview", value="preview"),
                        value=P.pane,
                        on_change=P.show,
                        width="100%",
                        aria_label="Show chat or preview",
                        id="builder-pane-switch",
                    ),
                    display=["block", "block", "none"],
                    width="100%",
                ),
                rx.flex(
                    rx.box(
                        chat_panel(),
                        width=["100%", "100%", "38%"],
                        display=rx.breakpoints(
                            initial=rx.cond(P.pane == "chat", "block", "none"), md="block"
                        ),
                        id="builder-chat-pane",
                    ),
                    rx.box(
                        rx.tabs.root(
                            rx.tabs.list(
                                rx.tabs.trigger("Preview", value="preview"),
                                rx.tabs.trigger("Code", value="code"),
                                rx.tabs.trigger("History", value="history"),
                            ),
                            rx.tabs.content(preview_panel(), value="preview", padding_top="8px"),
                            rx.tabs.content(code_panel(), value="code", padding_top="8px"),
                            rx.tabs.content(
                                rx.vstack(
                                    rx.foreach(S.versions, _version),
                                    rx.cond(
                                        S.history_pages > 1,
                                        pager(S.history_page, S.history_pages, S.history_go),
                                    ),
                                    width="100%",
                                ),
                                value="history",
                                padding_top="8px",
                            ),
                            value=S.tab,
                            on_change=S.set_tab,
                        ),
                        width=["100%", "100%", "62%"],
                        display=rx.breakpoints(
                            initial=rx.cond(P.pane == "preview", "block", "none"), md="block"
                        ),
                        id="builder-preview-pane",
                    ),
                    direction=rx.breakpoints(initial="column", md="row"),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        max_width="1400px",
    )
