"""Read models for listing grids (home, browse, search, profiles): small rows, never whole files."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import desc
from sqlmodel import Session, select

from vibecoder.domain.catalog.covers import cover_paths
from vibecoder.domain.commerce.money import format_price
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.users import Profile, User


class ListingCard(BaseModel):
    slug: str
    title: str
    summary: str
    category: str
    price_label: str
    seller_name: str
    seller_username: str
    rating_label: str
    rating_count: int
    cover_path: str = ""
    cover_card_path: str = ""


def card_query():
    return (
        select(Listing, User.username, Profile.display_name)
        .join(User, User.id == Listing.seller_id)
        .join(Profile, Profile.user_id == User.id, isouter=True)
    )


def to_card(row) -> ListingCard:
    listing, username, display_name = row
    cover_page, cover_card = cover_paths(listing)
    return ListingCard(
        slug=listing.slug,
        title=listing.title,
        summary=listing.summary,
        category=listing.category,
        price_label=format_price(listing.price_cents, listing.currency, listing.pricing_model),
        seller_name=display_name or username,
        seller_username=username,
        rating_label=f"{listing.rating_avg:.1f}" if listing.rating_count else "new",
        rating_count=listing.rating_count,
        cover_path=cover_page,
        cover_card_path=cover_card,
    )


def featured_listings(*, session: Session, limit: int = 8) -> list[ListingCard]:
    """Published listings buyers like most: rated and sold, newest breaking ties."""
    rows = session.exec(
        card_query()
        .where(Listing.status == ListingStatus.published)
        .order_by(
            desc(Listing.rating_avg * Listing.rating_count + Listing.sales_count),
            desc(Listing.published_at),
        )
        .limit(limit)
    )
    return [to_card(row) for row in rows]
