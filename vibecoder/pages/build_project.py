"""/build/[project]: chat and prompt on the left; Preview | Code | History on the right."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.builder_preview import code_panel, preview_panel, sell_button
from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.state.build import BuildProjectState as S
from vibecoder.state.build import ChatItem, StepItem, VersionItem


def _message(item: ChatItem) -> rx.Component:
    return rx.box(
        rx.text(rx.cond(item.role == "user", "You", "Builder"), weight="bold", size="1"),
        rx.markdown(item.text),
        padding="var(--space-2)",
        border_radius="var(--radius-3)",
        background=rx.cond(item.role == "user", "var(--accent-3)", "var(--gray-3)"),
        width="100%",
    )


def _step(item: StepItem) -> rx.Component:
    return rx.hstack(
        rx.badge(item.status, variant="soft", data_testid="build-step-status"),
        rx.text(item.name, weight="medium"),
        rx.text(item.purpose, size="1", color_scheme="gray"),
        spacing="2",
        align="center",
    )


def _run_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.run_status == "awaiting_approval",
            rx.card(
                rx.vstack(
                    rx.heading("Plan", size="3", as_="h3"),
                    rx.foreach(S.steps, _step),
                    rx.hstack(
                        rx.button("Approve", on_click=S.approve),
                        rx.button("Cancel", variant="soft", color_scheme="red", on_click=S.cancel),
                    ),
                    spacing="2",
                ),
                data_testid="plan-card",
                width="100%",
            ),
        ),
        rx.cond(
            (S.run_status != "awaiting_approval") & (S.steps.length() > 0),
            rx.card(
                rx.vstack(
                    rx.cond(
                        S.progress_label != "",
                        rx.text(S.progress_label, weight="bold", data_testid="build-progress"),
                    ),
                    rx.progress(value=S.progress_value, width="100%"),
                    rx.foreach(S.steps, _step),
                    rx.cond(
                        S.run_status == "running",
                        rx.button("Cancel", variant="soft", color_scheme="red", on_click=S.cancel),
                    ),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            S.run_status != "",
            rx.text("Run: ", S.run_status, size="1", color_scheme="gray", data_testid="run-status"),
        ),
        rx.cond(S.run_error != "", rx.text(S.run_error, color_scheme="red", size="2")),
        width="100%",
        spacing="2",
    )


def _chat() -> rx.Component:
    return rx.vstack(
        rx.vstack(rx.foreach(S.messages, _message), spacing="2", width="100%"),
        _run_panel(),
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="prompt",
                    placeholder="Ask for a page or a change…",
                    required=True,
                    max_length=4000,
                    rows="3",
                    width="100%",
                ),
                rx.cond(S.error != "", rx.text(S.error, color_scheme="red", role="alert")),
                rx.button("Send", type="submit", disabled=S.following),
                width="100%",
            ),
            on_submit=S.send,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
        spacing="3",
    )


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
                rx.flex(
                    rx.box(_chat(), width=["100%", "100%", "38%"]),
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
