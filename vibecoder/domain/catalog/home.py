"""The home page's read model: categories, new and trending listings, top creators."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import desc, func
from sqlmodel import Session, select

from vibecoder.domain.catalog.cards import ListingCard, card_query, featured_listings, to_card
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.users import Profile, User
from vibecoder.settings import get_settings


class CategoryCount(BaseModel):
    name: str
    count: int
    href: str


class CreatorCard(BaseModel):
    username: str
    name: str
    listings: int
    sales: int
    rating_label: str


class HomeView(BaseModel):
    categories: list[CategoryCount]
    newest: list[ListingCard]
    trending: list[ListingCard]
    creators: list[CreatorCard]


def home_view(*, session: Session, now: datetime | None = None, limit: int = 4) -> HomeView:
    now = now or datetime.now(UTC)
    published = Listing.status == ListingStatus.published
    categories = [
        CategoryCount(name=name, count=count, href=f"/browse?category={name.replace(' ', '+')}")
        for name, count in session.exec(
            select(Listing.category, func.count())
            .where(published)
            .group_by(Listing.category)
            .order_by(func.count().desc(), Listing.category)
        )
    ]
    newest = [
        to_card(row)
        for row in session.exec(
            card_query().where(published).order_by(desc(Listing.published_at)).limit(limit)
        )
    ]
    # Trending: paid sales in the last 14 days, then views, so a quiet week still shows something.
    recent_sales = (
        select(Purchase.listing_id, func.count().label("n"))
        .where(Purchase.status == PurchaseStatus.paid, Purchase.created_at >= now - timedelta(14))
        .group_by(Purchase.listing_id)
        .subquery()
    )
    trending = [
        to_card(row[:3])
        for row in session.exec(
            card_query()
            .add_columns(func.coalesce(recent_sales.c.n, 0))
            .join(recent_sales, recent_sales.c.listing_id == Listing.id, isouter=True)
            .where(published)
            .order_by(
                desc(func.coalesce(recent_sales.c.n, 0)),
                desc(Listing.view_count),
                desc(Listing.id),
            )
            .limit(limit)
        )
    ]
    creators = [
        CreatorCard(
            username=username,
            name=display_name or username,
            listings=int(listings),
            sales=int(sales),
            rating_label=f"{weighted / rated:.1f}" if rated else "",
        )
        for username, display_name, listings, sales, weighted, rated in session.exec(
            select(
                User.username,
                Profile.display_name,
                func.count(Listing.id),
                func.coalesce(func.sum(Listing.sales_count), 0),
                func.coalesce(func.sum(Listing.rating_avg * Listing.rating_count), 0),
                func.coalesce(func.sum(Listing.rating_count), 0),
            )
            .join(Listing, Listing.seller_id == User.id)
            .join(Profile, Profile.user_id == User.id, isouter=True)
            .where(published, User.is_suspended.is_(False))
            .group_by(User.id, User.username, Profile.display_name)
            .order_by(desc(func.coalesce(func.sum(Listing.sales_count), 0)), User.username)
            .limit(limit)
        )
    ]
    return HomeView(categories=categories, newest=newest, trending=trending, creators=creators)


FEATURED = 8
_cache_lock = threading.Lock()
# (monotonic deadline, featured cards, home view): one process's copy of what every visitor sees.
_cached: tuple[float, list[ListingCard], HomeView] | None = None


def home_page(*, session: Session) -> tuple[list[ListingCard], HomeView]:
    """The home page's featured listings and view, computed at most once per
    `home_cache_seconds` in this process. The page is the same for every visitor; computed per
    visit it was the largest share of a backend's CPU with 200 users (profiled, see
    docs/performance.md). A new listing or sale shows within that many seconds."""
    global _cached
    ttl = get_settings().home_cache_seconds
    now = time.monotonic()
    with _cache_lock:
        hit = _cached
    if ttl <= 0 or hit is None or hit[0] <= now:
        featured = featured_listings(session=session, limit=FEATURED)
        view = home_view(session=session)
        hit = (now + ttl, featured, view)
        if ttl > 0:
            with _cache_lock:
                _cached = hit
    _, featured, view = hit
    # Copies: a state that changed its lists in place must not change everyone's page.
    return list(featured), view.model_copy(deep=True)


def forget_home_page() -> None:
    global _cached
    with _cache_lock:
        _cached = None
