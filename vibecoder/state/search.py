"""Search page state: the query lives in the URL (?q=) so a search can be shared and reloaded."""

from __future__ import annotations

import json

import reflex as rx

from vibecoder.domain.errors import ServiceError
from vibecoder.domain.search.query import MAX_QUERY_CHARS, SearchResultCard, result_cards, search
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState
from vibecoder.state.browse import ListingFilters

PAGE_SIZE = 12
# Shown while the box is empty or nothing matched: each finds something in the demo catalog.
SUGGESTIONS = [
    "a dark landing page for a coffee shop",
    "cli that renames photos by date",
    "verify webhook signatures",
    "bot that answers FAQs",
    "lint my Dockerfile",
    "classic arcade game logic",
]


class SearchState(ListingFilters, AuthState):
    query: str = ""
    results: list[SearchResultCard] = []
    total: int = 0
    searching: bool = False

    def _query(self) -> None:
        self.error = ""
        if not self.query.strip():
            self.results, self.total, self.pages = [], 0, 1
            return
        try:
            filters = self._filters()
        except ValueError:
            self.error = "Check the price range."
            return
        try:
            with session_scope() as session:
                found = search(
                    session=session,
                    redis_client=get_redis(),
                    query=self.query,
                    filters=filters,
                    limit=PAGE_SIZE,
                    offset=(self.page - 1) * PAGE_SIZE,
                )
                self.results = result_cards(session=session, hits=found.hits)
        except ServiceError as exc:
            self.error, self.results, self.total = exc.message, [], 0
            return
        self.total = found.total
        self.pages = max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    @rx.event
    def load(self):
        self.load_user()
        self.query = self.router.url.query_parameters.get("q", "")[:MAX_QUERY_CHARS]
        self.page = 1
        self._load_facets()
        self._query()

    @rx.event
    def set_query(self, value: str):
        """Called by the debounced search box: results follow the typing."""
        self.query = value[:MAX_QUERY_CHARS]
        self.searching = True
        yield
        self._refresh()
        self.searching = False
        # Keep the address shareable without a page reload.
        url = "/search?q=" if self.query else "/search"
        yield rx.call_script(
            f"window.history.replaceState(null, '', {json.dumps(url)}"
            f" + encodeURIComponent({json.dumps(self.query)}))"
            if self.query
            else f"window.history.replaceState(null, '', {json.dumps(url)})"
        )

    @rx.event
    def use_suggestion(self, text: str):
        yield from self.set_query(text)
