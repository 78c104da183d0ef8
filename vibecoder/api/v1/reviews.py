"""/listings/{slug}/reviews: read a listing's reviews; review a listing you own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from vibecoder.api.v1.common import (
    NOT_MODIFIED,
    CursorParam,
    decode_cursor,
    encode_cursor,
    etag_json,
)
from vibecoder.api.v1.deps import Caller, Purchaser
from vibecoder.api.v1.problems import error_responses
from vibecoder.domain.catalog import detail, reviews
from vibecoder.domain.catalog.reviews import MAX_REVIEW_CHARS
from vibecoder.domain.commerce.my_purchases import listing_by_slug
from vibecoder.infra.db import session_scope

router = APIRouter(prefix="/listings/{slug}/reviews", tags=["reviews"])
Slug = Annotated[str, Path(min_length=1, max_length=200)]


class ReviewBase(BaseModel):
    rating: int = Field(ge=1, le=5)
    body: str = Field(default="", max_length=MAX_REVIEW_CHARS)


class ReviewCreate(ReviewBase):
    """Your review of a listing you bought or claimed; sending it again edits it."""


class ReviewPublic(ReviewBase):
    id: int
    reviewer: str
    date: str
    seller_reply: str


class ReviewPage(BaseModel):
    items: list[ReviewPublic]
    total: int
    next_cursor: str | None


@router.get(
    "",
    response_model=ReviewPage,
    summary="A listing's reviews, newest first",
    responses={**NOT_MODIFIED, **error_responses(401, 404, 422, 429)},
)
def list_reviews(
    request: Request, slug: Slug, caller: Caller, cursor: CursorParam = None
) -> Response:
    page = (decode_cursor(cursor, "p") or {"p": 1})["p"]
    with session_scope() as session:
        listing = listing_by_slug(
            session=session, slug=slug, viewer=caller.user if caller else None
        )
        entries, total = detail.reviews_page(session=session, listing_id=listing.id, page=page)
    more = page * detail.REVIEWS_PAGE_SIZE < total
    body = ReviewPage(
        items=[
            ReviewPublic(
                id=e.id,
                rating=e.rating,
                body=e.body,
                reviewer=e.reviewer,
                date=e.date,
                seller_reply=e.seller_reply,
            )
            for e in entries
        ],
        total=total,
        next_cursor=encode_cursor({"p": page + 1}) if more else None,
    )
    return etag_json(request, body, private=False)


@router.post(
    "",
    response_model=ReviewPublic,
    status_code=201,
    summary="Review a listing you own (purchase scope)",
    responses=error_responses(401, 403, 404, 422, 429),
)
def create_review(slug: Slug, body: ReviewCreate, caller: Purchaser) -> ReviewPublic:
    with session_scope() as session:
        listing = listing_by_slug(session=session, slug=slug, viewer=caller.user)
        review = reviews.upsert_review(
            session=session,
            buyer=caller.user,
            listing_id=listing.id,
            rating=body.rating,
            body=body.body,
        )
        return ReviewPublic(
            id=review.id,
            rating=review.rating,
            body=review.body,
            reviewer=caller.user.username,
            date=review.created_at.strftime("%Y-%m-%d"),
            seller_reply=review.seller_reply or "",
        )
