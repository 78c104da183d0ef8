"""Highlighted source with line numbers in a scrolling box: listing pages and the builder."""

from __future__ import annotations

import reflex as rx


def code_view(text: rx.Var | str, language: rx.Var | str, **box_props) -> rx.Component:
    return rx.box(
        rx.code_block(
            text,
            language=language,
            show_line_numbers=True,
            wrap_long_lines=False,
            width="100%",
            font_size="12px",
        ),
        width="100%",
        overflow="auto",
        **box_props,
    )
