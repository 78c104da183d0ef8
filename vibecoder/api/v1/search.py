"""/search: the search page's ranking (keyword + meaning, fused), with the browse filters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from vibecoder.api.v1.common import (
    NOT_MODIFIED,
    CursorParam,
    decode_cursor,
    encode_cursor,
    etag_json,
)
from vibecoder.api.v1.deps import Caller
from vibecoder.api.v1.listings import browse_filters
from vibecoder.api.v1.problems import error_responses
from vibecoder.domain.search.query import MAX_LIMIT, MAX_QUERY_CHARS, result_cards
from vibecoder.domain.search.query import search as run_search
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis

router = APIRouter(tags=["search"])


class SearchResultPublic(BaseModel):
    slug: str
    title: str
    summary: str
    category: str
    price_label: str
    seller_username: str
    score: float
    matched: list[str]
    url: str


class SearchPage(BaseModel):
    query: str
    total: int
    items: list[SearchResultPublic]
    next_cursor: str | None


@router.get(
    "/search",
    response_model=SearchPage,
    summary="Search by keywords or by meaning (a vibe), ranked like the search page",
    responses={**NOT_MODIFIED, **error_responses(401, 422, 429)},
)
def search(
    request: Request,
    caller: Caller,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
    category: Annotated[str | None, Query(max_length=80)] = None,
    tech: Annotated[str | None, Query(max_length=40)] = None,
    pricing: Annotated[
        Literal["free", "one_time", "subscription_monthly", "subscription_yearly", "usage"] | None,
        Query(),
    ] = None,
    license: Annotated[
        Literal["personal", "commercial", "extended", "mit", "apache-2.0"] | None, Query()
    ] = None,
    min_price_cents: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    max_price_cents: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    cursor: CursorParam = None,
) -> Response:
    filters = browse_filters(
        category=category,
        technology=tech,
        pricing_model=pricing,
        license_type=license,
        min_price_cents=min_price_cents,
        max_price_cents=max_price_cents,
        min_rating=min_rating,
    )
    offset = (decode_cursor(cursor, "o") or {"o": 0})["o"]
    with session_scope() as session:
        results = run_search(
            session=session,
            redis_client=get_redis(),
            query=q,
            filters=filters,
            limit=limit,
            offset=offset,
        )
        cards = {card.slug: card for card in result_cards(session=session, hits=results.hits)}
    items = [
        SearchResultPublic(
            slug=hit.slug,
            title=hit.title,
            summary=cards[hit.slug].summary,
            category=cards[hit.slug].category,
            price_label=cards[hit.slug].price_label,
            seller_username=cards[hit.slug].seller_username,
            score=hit.score,
            matched=hit.matched,
            url=f"/api/v1/listings/{hit.slug}",
        )
        for hit in results.hits
        if hit.slug in cards
    ]
    more = offset + limit < results.total
    page = SearchPage(
        query=results.query,
        total=results.total,
        items=items,
        next_cursor=encode_cursor({"o": offset + limit}) if more else None,
    )
    return etag_json(request, page, private=False)
