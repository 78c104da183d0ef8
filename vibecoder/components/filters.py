"""Filter controls shared by browse and search."""

from __future__ import annotations

import reflex as rx

ANY = "any"


def select_filter(
    label: str, value: rx.Var, options: list[tuple[str, str]] | rx.Var, on_change, *, id: str
) -> rx.Component:
    if isinstance(options, rx.Var):
        items = rx.foreach(options, lambda o: rx.select.item(o, value=o))
    else:
        items = rx.fragment(*[rx.select.item(text, value=key) for key, text in options])
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", as_="label", html_for=id),
        rx.select.root(
            rx.select.trigger(id=id, width="100%", aria_label=label),
            rx.select.content(rx.select.item("Any", value=ANY), items),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        width="100%",
    )


def pager(page: rx.Var, pages: rx.Var, on_page) -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=14),
            "Previous",
            variant="soft",
            disabled=page <= 1,
            on_click=on_page(page - 1),
            aria_label="Previous page",
        ),
        rx.text("Page ", page, " of ", pages, size="2"),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=14),
            variant="soft",
            disabled=page >= pages,
            on_click=on_page(page + 1),
            aria_label="Next page",
        ),
        justify="center",
        align="center",
        width="100%",
        spacing="4",
    )
