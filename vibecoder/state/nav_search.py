"""The navbar search box: submitting it opens /search with the query."""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx


class NavSearchState(rx.State):
    @rx.event
    def submit(self, form: dict):
        query = " ".join(str(form.get("q", "")).split())[:200]
        return rx.redirect("/search?q=" + quote(query) if query else "/search")
