"""Reviews: 1–5 stars from buyers, one per buyer per listing, one seller reply each.

The listing's rating average and count are recomputed inside the same transaction, with the
listing row locked, so concurrent reviews never leave them inconsistent.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from vibecoder.domain.analytics.live import publish_after_commit
from vibecoder.domain.catalog.listings import has_purchased
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.catalog import Listing, Review
from vibecoder.models.users import User

MAX_REVIEW_CHARS = 5000


def _validate(rating: int, body: str) -> str:
    require_plain_text(review=body, multiline={"review"})
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationFailed("invalid_rating", "Choose 1 to 5 stars.", field="rating")
    body = body.strip()
    if len(body) > MAX_REVIEW_CHARS:
        raise ValidationFailed(
            "review_too_long", f"Keep reviews under {MAX_REVIEW_CHARS} characters.", field="body"
        )
    return body


def refresh_rating(*, session: Session, listing: Listing) -> None:
    avg, count = session.exec(
        select(func.coalesce(func.avg(Review.rating), 0), func.count(Review.id)).where(
            Review.listing_id == listing.id
        )
    ).one()
    listing.rating_avg = round(float(avg), 2)
    listing.rating_count = int(count)
    session.add(listing)


def upsert_review(
    *, session: Session, buyer: User, listing_id: int, rating: int, body: str
) -> Review:
    """Create the buyer's review of a listing, or edit it if they already wrote one."""
    body = _validate(rating, body)
    listing = session.exec(
        select(Listing).where(Listing.id == listing_id).with_for_update()
    ).first()
    if listing is None:
        raise NotFound("listing_not_found", "No such listing.")
    if listing.seller_id == buyer.id:
        raise PermissionDenied("own_listing", "You cannot review your own listing.")
    if not has_purchased(session, buyer, listing):
        raise PermissionDenied(
            "not_a_buyer", "Only buyers can review. Buy or claim this listing first."
        )
    review = session.exec(
        select(Review).where(Review.listing_id == listing.id, Review.buyer_id == buyer.id)
    ).first()
    now = datetime.now(UTC)
    if review is None:
        review = Review(listing_id=listing.id, buyer_id=buyer.id, rating=rating, body=body)
        session.add(
            AnalyticsEvent(
                kind="review",
                listing_id=listing.id,
                seller_id=listing.seller_id,
                user_id=buyer.id,
                amount_cents=rating,  # the stars, so a day's reviews can be averaged from events
                created_at=now,
            )
        )
    else:
        review.rating, review.body, review.updated_at = rating, body, now
    session.add(review)
    session.flush()
    refresh_rating(session=session, listing=listing)
    session.flush()
    publish_after_commit(session, seller_id=listing.seller_id, kind="review", listing_id=listing.id)
    return review


def reply_to_review(*, session: Session, seller: User, review_id: int, body: str) -> Review:
    review = session.get(Review, review_id)
    listing = session.get(Listing, review.listing_id) if review else None
    if review is None or listing is None or listing.seller_id != seller.id:
        raise NotFound("review_not_found", "No such review on your listings.")
    if review.seller_reply is not None:
        raise Conflict("already_replied", "You have already replied to this review.")
    require_plain_text(reply=body, multiline={"reply"})
    body = body.strip()
    if not 1 <= len(body) <= MAX_REVIEW_CHARS:
        raise ValidationFailed("invalid_reply", "Write a reply of 1–5000 characters.", field="body")
    review.seller_reply = body
    review.seller_replied_at = datetime.now(UTC)
    session.add(review)
    session.flush()
    return review


def rating_breakdown(*, session: Session, listing_id: int) -> dict[int, int]:
    rows = session.exec(
        select(Review.rating, func.count())
        .where(Review.listing_id == listing_id)
        .group_by(Review.rating)
    )
    counts = {star: 0 for star in range(5, 0, -1)}
    for star, count in rows:
        counts[int(star)] = int(count)
    return counts
