"""Search page state: the query lives in the URL (?q=) so a search can be shared and reloaded."""

from __future__ import annotations

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
    # "Showing results for …" when typos were corrected word by word.
    corrected: str = ""
    # The query whose results are on screen: an older query's answer never replaces a newer one.
    shown_query: str = ""
    _generation: int = 0

    def _url_extra(self) -> dict[str, str]:
        return {"q": self.query.strip()}

    def _query(self) -> None:
        self.error = ""
        self._generation += 1
        generation, query = self._generation, self.query
        if not query.strip():
            self.results, self.total, self.pages, self.corrected = [], 0, 1, ""
            self.shown_query = ""
            return
        try:
            filters = self._filters()
        except ValueError:
            self.error, self.shown_query = "Check the price range.", query
            return
        try:
            with session_scope() as session:
                found = search(
                    session=session,
                    redis_client=get_redis(),
                    query=query,
                    filters=filters,
                    limit=PAGE_SIZE,
                    offset=(self.page - 1) * PAGE_SIZE,
                )
                cards = result_cards(session=session, hits=found.hits)
        except ServiceError as exc:
            self.error, self.results, self.total = exc.message, [], 0
            self.shown_query = query
            return
        if generation != self._generation:
            return  # a newer query started meanwhile; its answer wins
        self.results, self.total = cards, found.total
        self.corrected = found.corrected or ""
        self.shown_query = query
        self.pages = max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    @rx.event
    def load(self):
        self.load_user()
        self.query = self.router.url.query_parameters.get("q", "")[:MAX_QUERY_CHARS]
        # A new query from the navbar arrives as a bare /search?q=…: every filter resets to
        # what the URL says (nothing), so old filters never hide a fresh query's results.
        self._load_facets()
        self._query()

    @rx.event
    def set_query(self, value: str):
        """Called by the debounced search box: results follow the typing."""
        self.query = value[:MAX_QUERY_CHARS]
        self.searching = True
        yield
        self.page = 1
        self._query()
        self.searching = False
        # Keep the address shareable without a page reload.
        yield self._sync_url()

    @rx.event
    def use_suggestion(self, text: str):
        yield from self.set_query(text)
