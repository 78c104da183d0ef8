"""Which half of the builder a phone shows: the chat or the preview (desktop shows both)."""

from __future__ import annotations

import reflex as rx


class BuilderPaneState(rx.State):
    pane: str = "chat"

    @rx.event
    def show(self, value: str | list[str]):
        value = value[0] if isinstance(value, list) else value
        self.pane = value if value in ("chat", "preview") else "chat"
