"""Browse: filtered, sorted, paginated listing cards. Never loads more than one page of rows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import desc, func
from sqlmodel import Session, select

from vibecoder.domain.catalog.cards import ListingCard, card_query, to_card
from vibecoder.domain.paging import paging
from vibecoder.models.catalog import Listing, ListingStatus, ListingTechnology, Technology

SortKey = Literal["newest", "popular", "top_rated", "price_low", "price_high"]
PAGE_SIZE = 12


class BrowseFilters(BaseModel):
    category: str | None = None
    technology: str | None = None
    min_price_cents: int | None = Field(default=None, ge=0)
    max_price_cents: int | None = Field(default=None, ge=0)
    pricing_model: str | None = None
    license_type: str | None = None
    min_rating: float | None = Field(default=None, ge=0, le=5)
    sort: SortKey = "newest"


class BrowsePage(BaseModel):
    items: list[ListingCard]
    total: int
    page: int
    pages: int


def apply_filters(query, filters: BrowseFilters):
    query = query.where(Listing.status == ListingStatus.published)
    if filters.category:
        query = query.where(Listing.category == filters.category)
    if filters.pricing_model:
        query = query.where(Listing.pricing_model == filters.pricing_model)
    if filters.license_type:
        query = query.where(Listing.license_type == filters.license_type)
    if filters.min_price_cents is not None:
        query = query.where(Listing.price_cents >= filters.min_price_cents)
    if filters.max_price_cents is not None:
        query = query.where(Listing.price_cents <= filters.max_price_cents)
    if filters.min_rating:
        query = query.where(Listing.rating_avg >= filters.min_rating, Listing.rating_count > 0)
    if filters.technology:
        query = query.where(
            Listing.id.in_(
                select(ListingTechnology.listing_id)
                .join(Technology, Technology.id == ListingTechnology.technology_id)
                .where(Technology.name == filters.technology.lower())
            )
        )
    return query


_ORDER = {
    "newest": (desc(Listing.published_at), desc(Listing.id)),
    "popular": (desc(Listing.sales_count), desc(Listing.view_count), desc(Listing.id)),
    "top_rated": (desc(Listing.rating_avg), desc(Listing.rating_count), desc(Listing.id)),
    "price_low": (Listing.price_cents, desc(Listing.id)),
    "price_high": (desc(Listing.price_cents), desc(Listing.id)),
}


def browse(
    *, session: Session, filters: BrowseFilters, page: int = 1, page_size: int = PAGE_SIZE
) -> BrowsePage:
    page_size = min(max(page_size, 1), 48)
    total = session.exec(apply_filters(select(func.count()).select_from(Listing), filters)).one()
    at = paging(total=total, page=page, page_size=page_size)
    rows = session.exec(
        apply_filters(card_query(), filters)
        .order_by(*_ORDER[filters.sort])
        .offset(at.offset)
        .limit(at.limit)
    )
    return BrowsePage(items=[to_card(r) for r in rows], total=total, page=at.page, pages=at.pages)


def facet_values(*, session: Session) -> dict[str, list[str]]:
    """Categories and technologies that published listings actually use (for filter menus)."""
    categories = session.exec(
        select(Listing.category)
        .where(Listing.status == ListingStatus.published)
        .group_by(Listing.category)
        .order_by(Listing.category)
    ).all()
    technologies = session.exec(
        select(Technology.name)
        .join(ListingTechnology, ListingTechnology.technology_id == Technology.id)
        .join(Listing, Listing.id == ListingTechnology.listing_id)
        .where(Listing.status == ListingStatus.published)
        .group_by(Technology.name)
        .order_by(func.count().desc(), Technology.name)
        .limit(60)
    ).all()
    return {"categories": list(categories), "technologies": list(technologies)}


def browse_window(
    *, session: Session, filters: BrowseFilters, offset: int, limit: int
) -> tuple[list[tuple[Listing, str, str | None]], int]:
    """Rows (listing, seller username, display name) from `offset`, and the total: for the API's
    cursor pages, which need the raw prices and more than the page's cards show."""
    total = session.exec(apply_filters(select(func.count()).select_from(Listing), filters)).one()
    rows = session.exec(
        apply_filters(card_query(), filters)
        .order_by(*_ORDER[filters.sort])
        .offset(max(offset, 0))
        .limit(min(max(limit, 1), 100))
    ).all()
    return [tuple(row) for row in rows], int(total)
