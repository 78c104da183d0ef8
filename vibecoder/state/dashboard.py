"""/dashboard and /dashboard/listings/[slug]: the seller's numbers, refreshed live.

Thin: every number comes from vibecoder.domain.analytics.seller, which refuses non-sellers
and other sellers' listings. The state keeps one range's cards and series (at most 366
points), the top five listings, eight sources each and one page of the listings table.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import reflex as rx

from vibecoder.domain.analytics import seller as sa
from vibecoder.domain.analytics.rollup import set_timezone
from vibecoder.domain.analytics.scope import RANGES
from vibecoder.domain.errors import ServiceError
from vibecoder.domain.paging import page_count
from vibecoder.settings import get_settings
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User

LISTEN_SECONDS = 30 * 60  # an open dashboard stays live this long after loading
LIVE_KINDS = {
    "purchase": "New sale",
    "renewal": "Renewal",
    "refund": "Refund",
    "review": "New review",
}


class DashboardState(AuthState):
    range_key: str = "30d"
    custom_start: str = ""
    custom_end: str = ""
    bucket: str = "day"
    slug: str = ""  # set on a listing's own analytics page
    listing_title: str = ""

    loaded: bool = False
    loading: bool = False
    refused: str = ""
    error: str = ""
    tz_message: str = ""

    start: str = ""
    end: str = ""
    timezone: str = "UTC"
    revenue_total: str = ""
    sales_total: int = 0
    cards: list[sa.Card] = []
    # Chart rows as plain dicts: recharts takes a list of records.
    series: list[dict[str, Any]] = []
    funnel: list[dict[str, Any]] = []
    top: list[dict[str, Any]] = []
    referrers: list[sa.Source] = []
    utm_sources: list[sa.Source] = []

    rows: list[sa.ListingRow] = []
    rows_total: int = 0
    page: int = 1
    sort: str = "revenue"
    descending: bool = True

    live_token: int = 0
    last_live: str = ""

    @rx.var
    def pages(self) -> int:
        return page_count(self.rows_total, sa.LISTINGS_PAGE_SIZE)

    @rx.var
    def has_sales(self) -> bool:
        return any(p["sales"] or p["revenue"] for p in self.series)

    @rx.var
    def has_views(self) -> bool:
        return bool(self.funnel) and self.funnel[0]["count"] > 0

    @rx.var
    def export_sales_url(self) -> str:
        return f"{get_settings().public_api_url}/api/exports/sales.csv"

    @rx.var
    def export_ledger_url(self) -> str:
        return f"{get_settings().public_api_url}/api/exports/ledger.csv"

    async def _fill(self) -> bool:
        """Recompute everything for the current range; False (with a message) when refused."""
        slug = self.slug or None
        period = {
            "range_key": self.range_key,
            "start": self.custom_start or None,
            "end": self.custom_end or None,
            "listing_slug": slug,
        }
        bucket, table = self.bucket, {"sort": self.sort, "descending": self.descending}
        page = self.page

        def numbers(session: Session, user: User | None):
            # The service refuses a visitor who is not a seller (403), signed out included.
            board = sa.dashboard(session=session, seller=user, bucket=bucket, **period)
            listings = sa.dashboard_listings(
                session=session, seller=user, page=page, **period, **table
            )
            return board, listings

        def refused(exc: ServiceError) -> None:
            if exc.status_code == 403:
                self.refused, self.loaded = exc.message, False
                self._clear()
            else:
                self.error = exc.message

        outcome = await self._call(numbers, error=refused, signed_in=False)
        if not outcome.ok:
            return False
        board, (rows, total) = outcome.value
        self.refused = self.error = ""
        self.start, self.end, self.timezone = board.start, board.end, board.timezone
        self.revenue_total, self.sales_total = board.revenue_total, board.sales_total
        self.cards = board.cards
        self.series = [p.model_dump() for p in board.series]
        self.funnel = [f.model_dump() for f in board.funnel]
        self.top = [t.model_dump() for t in board.top]
        self.referrers, self.utm_sources = board.referrers, board.utm_sources
        self.rows, self.rows_total = rows, total
        self.listing_title = rows[0].title if slug and rows else ""
        self.loaded = True
        return True

    def _clear(self) -> None:
        self.cards, self.series, self.funnel, self.top = [], [], [], []
        self.referrers, self.utm_sources, self.rows, self.rows_total = [], [], [], 0

    @rx.event
    async def load(self):
        self.slug = str(self.router.page.params.get("slug", "") or "")
        self.page, self.error, self.tz_message, self.last_live = 1, "", "", ""
        if await self._current_user() is None:
            return rx.redirect(f"/signin?next={self.router.url.path}")
        if await self._fill():
            self.live_token += 1
            return DashboardState.listen(self.live_token)

    @rx.event
    async def set_range(self, key: str | list[str]):
        if not isinstance(key, str) or key not in (*RANGES, "custom"):
            return
        self.range_key = key
        if key != "custom":
            self.custom_start = self.custom_end = ""
            self.page = 1
            await self._fill()

    @rx.event
    async def apply_custom(self, form: dict):
        self.custom_start = str(form.get("start", "")).strip()
        self.custom_end = str(form.get("end", "")).strip()
        self.range_key, self.page = "custom", 1
        await self._fill()

    @rx.event
    async def set_bucket(self, bucket: str | list[str]):
        if isinstance(bucket, str) and bucket in ("day", "week"):
            self.bucket = bucket
            await self._fill()

    @rx.event
    async def sort_by(self, column: str):
        if column not in sa.SORTS:
            return
        self.descending = not self.descending if self.sort == column else column != "title"
        self.sort, self.page = column, 1
        await self._fill()

    @rx.event
    async def go_page(self, delta: int):
        self.page = min(max(self.page + int(delta), 1), self.pages)
        await self._fill()

    @rx.event
    async def save_timezone(self, form: dict):
        self.tz_message = ""
        outcome = await self._call(
            lambda session, user: set_timezone(
                session=session, user=user, timezone=str(form.get("tz", ""))
            ),
            error="tz_message",
        )
        if not outcome.ok:
            return
        self.tz_message = f"Days are now counted in {outcome.value}."
        await self._fill()

    @rx.event(background=True)
    async def listen(self, token: int):
        """Reload the numbers when the worker announces a sale, refund or review."""
        import redis.asyncio as aioredis

        from vibecoder.domain.analytics.live import channel
        from vibecoder.infra.redis_client import redis_url

        async with self:
            user = await self._current_user()
        if user is None:
            return
        client = aioredis.from_url(redis_url())
        pubsub = client.pubsub()
        await pubsub.subscribe(channel(user.id))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LISTEN_SECONDS
        try:
            while loop.time() < deadline:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                async with self:
                    # A reload started a newer listener, or the visitor left the dashboard.
                    if self.live_token != token or not self.router.url.path.startswith(
                        "/dashboard"
                    ):
                        return
                    if message is None:
                        continue
                    try:
                        kind = json.loads(message["data"]).get("kind", "")
                    except (ValueError, AttributeError):
                        kind = ""
                    label = LIVE_KINDS.get(kind, "Update")
                    self.last_live = label
                    await self._fill()
                yield rx.toast.info(f"{label} — numbers updated", duration=4000)
        finally:
            await pubsub.unsubscribe()
            await client.aclose()
