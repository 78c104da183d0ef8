"""Browse page state: the filters live in the URL query so pages can be shared and reloaded."""

from __future__ import annotations

import json

import reflex as rx

from vibecoder.domain.catalog.browse import BrowseFilters, browse, facet_values
from vibecoder.domain.catalog.cards import ListingCard
from vibecoder.domain.catalog.url_filters import UrlFilters, parse_url_filters
from vibecoder.state.auth import AuthState
from vibecoder.state.offloop import in_thread

SORT_LABELS = {
    "newest": "Newest",
    "popular": "Most popular",
    "top_rated": "Top rated",
    "price_low": "Price: low to high",
    "price_high": "Price: high to low",
}
PRICING_LABELS = {
    "free": "Free",
    "one_time": "One-time",
    "subscription_monthly": "Monthly",
    "subscription_yearly": "Yearly",
    "usage": "Per run",
}
LICENSE_LABELS = {
    "personal": "Personal",
    "commercial": "Commercial",
    "extended": "Extended",
    "mit": "MIT",
    "apache-2.0": "Apache-2.0",
}
ANY = "any"


def _to_cents(text: str) -> int | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return int(round(value * 100)) if value >= 0 else None


class ListingFilters(rx.State, mixin=True):
    """The browse filters, shared by the browse and search pages; `_query` runs the listing."""

    category: str = ANY
    technology: str = ANY
    pricing: str = ANY
    license: str = ANY
    min_rating: str = ANY
    min_price: str = ""
    max_price: str = ""
    sort: str = "newest"
    categories: list[str] = []
    technologies: list[str] = []
    page: int = 1
    pages: int = 1
    error: str = ""
    # Why the URL's filters were not all applied ("Ignored unknown category “x”.").
    notice: str = ""

    def _filters(self) -> BrowseFilters:
        def pick(value: str) -> str | None:
            return None if value in (ANY, "") else value

        return BrowseFilters(
            category=pick(self.category),
            technology=pick(self.technology),
            pricing_model=pick(self.pricing),
            license_type=pick(self.license),
            min_rating=float(self.min_rating) if pick(self.min_rating) else None,
            min_price_cents=_to_cents(self.min_price) if self.min_price else None,
            max_price_cents=_to_cents(self.max_price) if self.max_price else None,
            sort=self.sort if self.sort in SORT_LABELS else "newest",
        )

    async def _query(self) -> None:
        raise NotImplementedError

    async def _load_facets(self) -> None:
        """Every filter, the sort and the page come from the URL: a link shows what it showed."""
        facets = await in_thread(lambda session: facet_values(session=session))
        self.categories = facets["categories"]
        self.technologies = facets["technologies"]
        parsed = parse_url_filters(
            dict(self.router.url.query_parameters), technologies=self.technologies
        )
        self.category, self.technology = parsed.category, parsed.technology
        self.pricing, self.license = parsed.pricing, parsed.license
        self.min_rating = parsed.min_rating
        self.min_price, self.max_price = parsed.min_price, parsed.max_price
        self.sort, self.page = parsed.sort, parsed.page
        self.notice = " ".join(parsed.notices)

    def _url_extra(self) -> dict[str, str]:
        return {}

    def _url(self) -> str:
        current = UrlFilters(
            category=self.category,
            technology=self.technology,
            pricing=self.pricing,
            license=self.license,
            min_rating=self.min_rating,
            min_price=self.min_price,
            max_price=self.max_price,
            sort=self.sort,
            page=self.page,
        )
        return self.router.url.path + current.query_string(**self._url_extra())

    def _sync_url(self):
        """Keep the address bar equal to what is shown (shareable, reload-safe), no reload."""
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(self._url())})")

    async def _refresh(self):
        self.page = 1
        self.notice = ""
        await self._query()
        return self._sync_url()

    @rx.event
    async def set_category(self, value: str):
        self.category = value
        return await self._refresh()

    @rx.event
    async def set_technology(self, value: str):
        self.technology = value
        return await self._refresh()

    @rx.event
    async def set_pricing(self, value: str):
        self.pricing = value
        return await self._refresh()

    @rx.event
    async def set_license(self, value: str):
        self.license = value
        return await self._refresh()

    @rx.event
    async def set_min_rating(self, value: str):
        self.min_rating = value
        return await self._refresh()

    @rx.event
    async def set_sort(self, value: str):
        self.sort = value
        return await self._refresh()

    @rx.event
    def set_min_price_text(self, value: str):
        self.min_price = value[:12]

    @rx.event
    def set_max_price_text(self, value: str):
        self.max_price = value[:12]

    @rx.event
    async def apply_price(self, form: dict):
        self.min_price = str(form.get("min_price", "")).strip()
        self.max_price = str(form.get("max_price", "")).strip()
        return await self._refresh()

    @rx.event
    async def clear_filters(self):
        self.category = self.technology = self.pricing = self.license = self.min_rating = ANY
        self.min_price = self.max_price = ""
        self.sort = "newest"
        return await self._refresh()

    @rx.event
    async def go_to_page(self, page: int):
        self.page = int(page)
        await self._query()
        return self._sync_url()

    @rx.var
    def active_filters(self) -> int:
        chosen = [self.category, self.technology, self.pricing, self.license, self.min_rating]
        return sum(v != ANY for v in chosen) + bool(self.min_price) + bool(self.max_price)


class BrowseState(ListingFilters, AuthState):
    items: list[ListingCard] = []
    total: int = 0
    loading: bool = False

    async def _query(self) -> None:
        self.error = ""
        try:
            filters = self._filters()
        except ValueError:
            self.error = "Check the price range."
            return
        page = self.page
        result = await in_thread(
            lambda session: browse(session=session, filters=filters, page=page)
        )
        self.items, self.total = result.items, result.total
        self.page, self.pages = result.page, result.pages

    @rx.event
    async def load(self):
        await self.load_user()
        await self._load_facets()
        await self._query()
        # The address says what is applied: canonical casing, unknown values dropped.
        return self._sync_url()
