"""Table widgets of the back-office pages: a status badge, a table with its pager or empty
state, a row count, a search box and a filter menu."""

from __future__ import annotations

import reflex as rx

STATUS_COLORS = (
    ("published", "green"),
    ("open", "amber"),
    ("resolved", "green"),
    ("dismissed", "gray"),
    ("taken_down", "red"),
    ("paid", "green"),
    ("refunded", "red"),
    ("disputed", "red"),
    ("archived", "amber"),
)


def status_badge(value: rx.Var, class_name: str = "") -> rx.Component:
    return rx.badge(
        value, color_scheme=rx.match(value, *STATUS_COLORS, "gray"), class_name=class_name
    )


def data_table(headers: list[str], rows: rx.Component, id: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rows),
            width="100%",
            size="1",
        ),
        overflow_x="auto",
        width="100%",
        id=id,
    )


def paged_table(
    items: rx.Var,
    render,
    headers: list[str],
    id: str,
    pages: rx.Component,
    empty: rx.Component,
) -> rx.Component:
    """One tab's rows with their pager, or its empty state."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(data_table(headers, rx.foreach(items, render), id), pages, width="100%"),
        empty,
    )


def count_label(total: rx.Var, one: str, many: str) -> rx.Component:
    return rx.text(total, rx.cond(total == 1, f" {one}", f" {many}"), size="1", color_scheme="gray")


def empty_state(text: str, id: str) -> rx.Component:
    return rx.center(
        rx.text(text, size="2", color_scheme="gray"),
        padding="var(--space-5)",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-3)",
        width="100%",
        id=id,
    )


def search_form(placeholder: str, value: rx.Var, on_submit, id: str) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="q",
                placeholder=placeholder,
                default_value=value,
                aria_label=placeholder,
                id=id,
                width="100%",
            ),
            rx.button(rx.icon("search", size=14), "Search", type="submit", variant="soft"),
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        width="100%",
        max_width="480px",
    )


def select_menu(value: rx.Var, options: list[tuple[str, str]], on_change, label: str, id: str):
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=id),
        rx.select.content(*[rx.select.item(text, value=key) for key, text in options]),
        value=value,
        on_change=on_change,
    )
