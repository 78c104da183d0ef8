"""Search page state: the query lives in the URL (?q=) so a search can be shared and reloaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from vibecoder.domain.paging import page_count, page_offset
from vibecoder.domain.search.query import MAX_QUERY_CHARS, SearchResultCard, result_cards, search
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState
from vibecoder.state.browse import ListingFilters
from vibecoder.state.offloop import Outcome

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.domain.catalog.browse import BrowseFilters
    from vibecoder.models.users import User

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
    # The query whose results are on screen: an older query's cards never show for a newer one.
    shown_query: str = ""

    def _url_extra(self) -> dict[str, str]:
        return {"q": self.query.strip()}

    def _search_args(self) -> tuple[str, int, BrowseFilters] | None:
        """Under the state's lock: the query, page and filters to search with, or None when
        there is nothing to search (the page is reset, or says what is wrong)."""
        self.error = ""
        if not self.query.strip():
            self.results, self.total, self.pages = [], 0, 1
            self.corrected = self.shown_query = ""
            return None
        try:
            filters = self._filters()
        except ValueError:
            self.error, self.shown_query = "Check the price range.", self.query
            return None
        return self.query, self.page, filters

    async def _find(
        self, query: str, page: int, filters: BrowseFilters
    ) -> Outcome[tuple[int, list[SearchResultCard], str]]:
        """The search, off the loop; the caller shows the outcome (`_show_results`) under the
        lock it takes for the results anyway."""

        def find(session: Session, _user: User | None) -> tuple[int, list[SearchResultCard], str]:
            # The query's embedding (a model run on a cache miss) happens here, off the loop.
            found = search(
                session=session,
                redis_client=get_redis(),
                query=query,
                filters=filters,
                limit=PAGE_SIZE,
                offset=page_offset(page, PAGE_SIZE),
            )
            cards = result_cards(session=session, hits=found.hits)
            return found.total, cards, found.corrected or ""

        return await self._call(find, signed_in=False, apply=False)

    def _show_results(
        self, query: str, page: int, outcome: Outcome[tuple[int, list[SearchResultCard], str]]
    ) -> None:
        """Under the state's lock: the navbar's user, and the search's cards unless the visitor
        typed on meanwhile (the newer search shows its own)."""
        self._apply(outcome)
        if (self.query, self.page) != (query, page):
            return
        self.shown_query = query
        if not outcome.ok or outcome.value is None:
            self.results, self.total, self.corrected = [], 0, ""
            return
        self.total, self.results, self.corrected = outcome.value
        self.pages = page_count(self.total, PAGE_SIZE)

    async def _query(self) -> None:
        """Run the search for the current query and filters (page loads and filter changes)."""
        async with self._writing():
            args = self._search_args()
        if args is None:
            return
        outcome = await self._find(*args)
        async with self._writing():
            self._show_results(args[0], args[1], outcome)

    @rx.event
    async def load(self):
        await self.load_user()
        self.query = self.router.url.query_parameters.get("q", "")[:MAX_QUERY_CHARS]
        # A new query from the navbar arrives as a bare /search?q=…: every filter resets to
        # what the URL says (nothing), so old filters never hide a fresh query's results.
        await self._load_facets()
        await self._query()
        # The address says what is applied: canonical casing, unknown values dropped.
        return self._sync_url()

    @rx.event(background=True)
    async def set_query(self, value: str):
        """Called by the debounced search box: results follow the typing. A background event,
        so the tab's state is not locked while the query is embedded (the first query after a
        start loads the model) and searched; a newer query supersedes an older one. Two state
        round trips: one to show the spinner and read the filters, one to show the results."""
        outcome: Outcome | None = None
        async with self:
            self.query = query = value[:MAX_QUERY_CHARS]
            self.searching, self.page = True, 1
            args = self._search_args()
        try:
            if args is not None:
                outcome = await self._find(*args)
        finally:
            # Also when the search failed: the spinner must not spin on for ever.
            async with self:
                if args is not None and outcome is not None:
                    self._show_results(args[0], args[1], outcome)
                current = self.query == query
                if current:
                    self.searching = False
                    # Keep the address (query, filters, sort) shareable without a page reload.
                    sync = self._sync_url()
        if current:
            yield sync

    @rx.event
    def use_suggestion(self, text: str):
        return SearchState.set_query(text)
