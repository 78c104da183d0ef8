"""/build/[project]: chat and prompt on the left; Preview | History on the right."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.builder_chat import chat_panel
from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.state.build import BuildProjectState as S
from vibecoder.state.build import VersionItem


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


def _preview() -> rx.Component:
    return rx.cond(
        S.preview_url != "",
        rx.el.iframe(
            src=S.preview_url,
            sandbox="allow-scripts",
            title="Preview",
            width="100%",
            height="640px",
            style={"border": "1px solid var(--gray-6)", "border_radius": "8px"},
            data_testid="preview-frame",
        ),
        rx.text("No version yet: the preview appears when the first step is built."),
    )


def _file(path: rx.Var) -> rx.Component:
    return rx.button(
        path,
        size="1",
        variant=rx.cond(path == S.code_path, "solid", "ghost"),
        on_click=S.show_file(path),
        justify="start",
        width="100%",
    )


def _code() -> rx.Component:
    return rx.flex(
        rx.vstack(rx.foreach(S.code_paths, _file), spacing="1", min_width="200px"),
        rx.box(
            rx.code_block(
                S.code,
                language="jsx",
                show_line_numbers=True,
                width="100%",
                font_size="12px",
            ),
            width="100%",
            max_height="600px",
            overflow="auto",
            data_testid="builder-code",
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        spacing="3",
        width="100%",
    )


def build_project_page() -> rx.Component:
    return page(
        rx.cond(
            S.missing,
            rx.callout("No such project.", icon="triangle-alert"),
            rx.vstack(
                rx.heading(S.name, size="6", as_="h1"),
                rx.flex(
                    rx.box(chat_panel(), width=["100%", "100%", "38%"]),
                    rx.box(
                        rx.tabs.root(
                            rx.tabs.list(
                                rx.tabs.trigger("Preview", value="preview"),
                                rx.tabs.trigger("Code", value="code"),
                                rx.tabs.trigger("History", value="history"),
                            ),
                            rx.tabs.content(_preview(), value="preview", padding_top="8px"),
                            rx.tabs.content(_code(), value="code", padding_top="8px"),
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
