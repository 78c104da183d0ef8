"""Creator profiles: public identity, their published listings, sales, rating, reputation."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import desc, func
from sqlmodel import Session, select

from vibecoder.domain import dates
from vibecoder.domain.catalog import reputation
from vibecoder.domain.catalog.cards import ListingCard, card_query, to_card
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import NotFound, ValidationFailed
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.users import Profile, User

PROFILE_PAGE_SIZE = 12


class CreatorProfile(BaseModel):
    username: str
    display_name: str
    bio: str
    avatar_url: str
    links: list[str]
    member_since: str
    total_sales: int
    rating_avg: float
    rating_count: int
    reputation: int
    listing_count: int


def creator_profile(*, session: Session, username: str) -> CreatorProfile:
    user = session.exec(select(User).where(User.username == username.lower())).first()
    if user is None or user.is_suspended:
        raise NotFound("user_not_found", "No such creator.")
    profile = session.get(Profile, user.id)
    sales, rating_weighted, rating_count, listings = session.exec(
        select(
            func.coalesce(func.sum(Listing.sales_count), 0),
            func.coalesce(func.sum(Listing.rating_avg * Listing.rating_count), 0),
            func.coalesce(func.sum(Listing.rating_count), 0),
            func.count(Listing.id),
        ).where(Listing.seller_id == user.id, Listing.status == ListingStatus.published)
    ).one()
    return CreatorProfile(
        username=user.username,
        display_name=(profile.display_name if profile else "") or user.username,
        bio=profile.bio if profile else "",
        avatar_url=(profile.avatar_url or "") if profile else "",
        links=[str(link) for link in (profile.links if profile else [])][:10],
        member_since=dates.local(user.created_at, None, dates.MONTH),
        total_sales=int(sales),
        rating_avg=round(float(rating_weighted) / rating_count, 1) if rating_count else 0.0,
        rating_count=int(rating_count),
        reputation=reputation.seller_reputation(session=session, seller_id=user.id),
        listing_count=int(listings),
    )


def creator_listings(
    *, session: Session, username: str, page: int = 1
) -> tuple[list[ListingCard], int]:
    base = (
        card_query()
        .where(User.username == username.lower(), Listing.status == ListingStatus.published)
        .order_by(desc(Listing.published_at), desc(Listing.id))
    )
    total = session.exec(
        select(func.count())
        .select_from(Listing)
        .join(User, User.id == Listing.seller_id)
        .where(User.username == username.lower(), Listing.status == ListingStatus.published)
    ).one()
    rows = session.exec(
        base.offset((max(page, 1) - 1) * PROFILE_PAGE_SIZE).limit(PROFILE_PAGE_SIZE)
    )
    return [to_card(r) for r in rows], int(total)


def display_name(*, session: Session, user: User) -> str:
    """The name the navbar shows: the profile's display name, else the username."""
    profile = session.get(Profile, user.id)
    return profile.display_name if profile else user.username


class OwnProfile(BaseModel):
    bio: str
    avatar_url: str
    links: list[str]


def own_profile(*, session: Session, user: User) -> OwnProfile:
    profile = session.get(Profile, user.id)
    if profile is None:
        return OwnProfile(bio="", avatar_url="", links=[])
    return OwnProfile(bio=profile.bio, avatar_url=profile.avatar_url or "", links=profile.links)


def save_profile(
    *, session: Session, user: User, display_name: str, bio: str, avatar_url: str, links: list[str]
) -> None:
    """Write the account page's profile form: a display name, a bio, web links only."""
    require_plain_text(
        display_name=display_name, bio=bio, avatar_url=avatar_url, links=links, multiline={"bio"}
    )
    if not 1 <= len(display_name) <= 80 or len(bio) > 2000:
        raise ValidationFailed("bad_profile", "Display name 1–80 characters, bio up to 2000.")
    # Only web links: a javascript: URL in a profile would run in visitors' browsers.
    if (
        any(
            not url.startswith(("https://", "http://")) or len(url) > 300
            for url in [*links, *([avatar_url] if avatar_url else [])]
        )
        or len(links) > 10
    ):
        raise ValidationFailed(
            "bad_profile_links", "Links and the avatar must be http(s) URLs (at most 10 links)."
        )
    profile = session.get(Profile, user.id) or Profile(user_id=user.id, display_name="")
    profile.display_name = display_name
    profile.bio = bio
    profile.avatar_url = avatar_url or None
    profile.links = links
    session.add(profile)
