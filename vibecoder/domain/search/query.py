"""Hybrid "vibe" search: full-text + typo-tolerant title match + vector similarity, fused by RRF.

Ranking (docs/search.md):
1. Exact title or slug matches first.
2. Every other candidate is scored by reciprocal rank fusion (k=60) over three ranked lists:
   Postgres full-text (title A > summary B > description C; rows with every query term, then
   rows with any), pg_trgm word similarity of short queries to titles (typos, only when the
   words as typed do not fill the list), and cosine distance of the all-MiniLM-L6-v2
   embeddings (HNSW, iterative scan so filters never starve the result).
Filters are the browse filters and apply inside every list, so an excluded row can never
surface through any of them.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from typing import cast

import numpy as np
import redis
from pydantic import BaseModel
from sqlalchemy import func, literal, text
from sqlmodel import Session, select

from vibecoder.domain.catalog.browse import BrowseFilters, apply_filters
from vibecoder.domain.catalog.cards import ListingCard, card_query, to_card
from vibecoder.domain.catalog.listings import slugify
from vibecoder.domain.plain_text import require_plain_text
from vibecoder.domain.search import embeddings, typos
from vibecoder.errors import ValidationFailed
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.settings import get_settings

RRF_K = 60
# The full-text and typo lists each contribute at most this many candidates to the fusion.
CANDIDATES = 100
# Nearest neighbours fused per query: a filtered iterative scan walks about limit / selectivity
# graph nodes, and ranks past 50 add little to the first pages of a reciprocal-rank fusion.
SEMANTIC_CANDIDATES = 50
MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
# Cosine similarity below which a vector neighbour is noise, not "similar meaning"
# (all-MiniLM-L6-v2 puts unrelated short texts at 0.0-0.2; see docs/search.md).
MIN_SIMILARITY = 0.25
# pg_trgm word similarity of the query to a title that counts as a (misspelt) keyword hit.
MIN_WORD_SIMILARITY = 0.4
MAX_TYPO_TERMS = 3
# HNSW candidate list per query (pgvector's default is 40); see docs/search.md for the trade-off.
EF_SEARCH = 300
MAX_TERMS = 16
# Matched rows ranked per full-text tier (see _keyword_ids).
KEYWORD_POOL = 500
EXACT_BOOST = 1.0
# The relevance floor (docs/search.md): a query gets results only when something matches it
# well: an exact title, a listing with at least half of its words, or a neighbour at least this
# similar. On the demo catalog nonsense peaks at 0.33 ("quantum blockchain toaster firmware")
# while the weakest real single-concept query measured 0.39.
STRONG_SIMILARITY = 0.36
CACHE_PREFIX = "vibecoder:search:qvec:v1:"

_TERM = re.compile(r"[0-9a-z]+")


class SearchHit(BaseModel):
    slug: str
    title: str
    score: float
    matched: list[str]

    def public(self) -> dict:
        return self.model_dump()


class SearchResultCard(ListingCard):
    score: float
    keyword: bool
    semantic: bool


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHit]
    total: int
    # The query as searched after per-word typo correction, when it differs.
    corrected: str | None = None


def normalize_query(raw: str) -> str:
    """NFKC, lower case, single spaces; the cache key and the exact-match text."""
    if not isinstance(raw, str):
        raise ValidationFailed("invalid_query", "The query must be text.", field="q")
    query = " ".join(unicodedata.normalize("NFKC", raw).lower().split())
    if not query:
        raise ValidationFailed("empty_query", "Type what you are looking for.", field="q")
    if len(query) > MAX_QUERY_CHARS:
        raise ValidationFailed(
            "query_too_long", f"Keep the query under {MAX_QUERY_CHARS} characters.", field="q"
        )
    return query


def query_embedding(*, redis_client: redis.Redis, query: str) -> tuple[list[float], bool]:
    """The query's vector and whether it came from the cache (TTL from settings)."""
    key = CACHE_PREFIX + hashlib.sha256(query.encode()).hexdigest()
    cached = redis_client.get(key)
    if cached:
        stored = np.frombuffer(base64.b64decode(cast("str | bytes", cached)), dtype=np.float32)
        return stored.tolist(), True
    [vector] = embeddings.encode([query])
    packed = base64.b64encode(np.asarray(vector, dtype=np.float32).tobytes()).decode()
    redis_client.set(key, packed, ex=get_settings().query_embedding_ttl_seconds)
    return vector, False


def _terms(query: str) -> list[str]:
    return _TERM.findall(query)[:MAX_TERMS]


_trigram_by_database: dict[str, bool] = {}


def trigram_available(session: Session) -> bool:
    """pg_trgm is optional (docs/search.md): without it typos are left to the vector search."""
    key = str(session.get_bind().url)
    if key not in _trigram_by_database:
        _trigram_by_database[key] = bool(
            session.exec(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).one()[
                0
            ]
        )
    return _trigram_by_database[key]


def _exact_ids(session: Session, query: str, filters: BrowseFilters) -> list[int]:
    # Two index lookups (lower(title) btree, unique slug); an OR of both would scan the table.
    found: list[int] = []
    for condition in (func.lower(Listing.title) == query, Listing.slug == slugify(query)):
        for listing_id in session.exec(apply_filters(select(Listing.id), filters).where(condition)):
            if listing_id not in found:
                found.append(listing_id)
    return found


def _keyword_ids(session: Session, query: str, filters: BrowseFilters) -> tuple[list[int], bool]:
    """Full-text candidates (rows with every term first, then rows with any term), and whether
    the rows with every term filled the list by themselves (then there is no typo to forgive).

    websearch_to_tsquery's AND alone drops most natural-language queries to nothing, and an
    OR over common words matches most of a large catalog, where reading every matched row to
    rank it is what costs. So each tier ranks (ts_rank_cd: more terms, closer together) at
    most KEYWORD_POOL matched rows; the all-terms tier usually fills the list by itself.
    """
    terms = _terms(query)
    if not terms:
        return [], False
    found: list[int] = []
    for operator in ("&", "|") if len(terms) > 1 else ("&",):
        tsquery = func.to_tsquery("english", f" {operator} ".join(terms))
        pool = apply_filters(
            select(Listing.id.label("id"), Listing.search_vector.label("document")), filters
        ).where(Listing.search_vector.op("@@")(tsquery))
        if found:
            pool = pool.where(Listing.id.not_in(found))
        pool = pool.limit(KEYWORD_POOL).subquery("keyword_pool")
        found += session.exec(
            select(pool.c.id)
            .order_by(func.ts_rank_cd(pool.c.document, tsquery).desc(), pool.c.id.desc())
            .limit(CANDIDATES - len(found))
        )
        if len(found) >= CANDIDATES:
            return found, operator == "&"
    return found, False


def _typo_ids(session: Session, query: str, filters: BrowseFilters) -> list[int]:
    # Typos matter in short, title-like queries; a long description's misspellings are left to
    # the vector search (trigram lookups grow with the query's length).
    if len(_terms(query)) > MAX_TYPO_TERMS or not trigram_available(session):
        return []
    session.exec(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {MIN_WORD_SIMILARITY}"))
    title = func.lower(Listing.title)
    rows = session.exec(
        apply_filters(select(Listing.id), filters)
        # `<%` is the indexable form of word_similarity(query, title) >= threshold.
        .where(literal(query).op("<%")(title))
        .order_by(func.word_similarity(query, title).desc(), Listing.id.desc())
        .limit(CANDIDATES)
    )
    return list(rows)


def nearest(
    session: Session,
    vector: list[float],
    filters: BrowseFilters,
    *,
    limit: int = SEMANTIC_CANDIDATES,
    exclude_id: int | None = None,
    min_similarity: float = MIN_SIMILARITY,
) -> list[tuple[int, float]]:
    """(id, cosine distance) of the published listings nearest to `vector` that pass the
    filters, nearest first."""
    # Iterative scans keep walking the HNSW graph until enough rows pass the filters; relaxed
    # order is re-sorted by the outer ORDER BY on the exact distance.
    session.exec(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
    session.exec(text(f"SET LOCAL hnsw.ef_search = {int(EF_SEARCH)}"))
    distance = Listing.embedding.cosine_distance(vector)
    inner = (
        apply_filters(select(Listing.id.label("id"), distance.label("distance")), filters)
        .where(Listing.embedding.is_not(None))
        .order_by(distance)
        .limit(limit)
    )
    if exclude_id is not None:
        inner = inner.where(Listing.id != exclude_id)
    ranked = inner.cte("nearest").prefix_with("MATERIALIZED")
    rows = session.exec(
        select(ranked.c.id, ranked.c.distance)
        .where(ranked.c.distance <= 1 - min_similarity)
        .order_by(ranked.c.distance, ranked.c.id)
    )
    return [(int(listing_id), float(d)) for listing_id, d in rows]


def nearest_ids(
    session: Session,
    vector: list[float],
    filters: BrowseFilters,
    *,
    limit: int = SEMANTIC_CANDIDATES,
    exclude_id: int | None = None,
    min_similarity: float = MIN_SIMILARITY,
) -> list[int]:
    """Published listings nearest to `vector` that pass the filters, nearest first."""
    found = nearest(
        session,
        vector,
        filters,
        limit=limit,
        exclude_id=exclude_id,
        min_similarity=min_similarity,
    )
    return [listing_id for listing_id, _ in found]


def _fuse(*ranked_lists: list[int]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranked in ranked_lists:
        for rank, listing_id in enumerate(ranked, start=1):
            scores[listing_id] = scores.get(listing_id, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def rank(
    *,
    session: Session,
    query: str,
    vector: list[float] | None,
    filters: BrowseFilters,
    methods: tuple[str, ...] = ("keyword", "semantic"),
    nearby: list[tuple[int, float]] | None = None,
) -> list[tuple[int, float, list[str]]]:
    """(listing id, score, matched) best first. `methods` lets the benchmark compare each alone;
    `nearby` is `nearest(...)` already computed for this vector and these filters."""
    exact = _exact_ids(session, query, filters) if "keyword" in methods else []
    keyword, every_term_found = (
        _keyword_ids(session, query, filters) if "keyword" in methods else ([], True)
    )
    typo = [] if every_term_found else _typo_ids(session, query, filters)
    if "semantic" not in methods or vector is None:
        semantic = []
    elif nearby is not None:
        semantic = [listing_id for listing_id, _ in nearby]
    else:
        semantic = nearest_ids(session, vector, filters)
    scores = _fuse(keyword, typo, semantic)
    for listing_id in exact:
        scores[listing_id] = scores.get(listing_id, 0.0) + EXACT_BOOST
    keyword_set, semantic_set = set(exact) | set(keyword) | set(typo), set(semantic)
    ordered = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))
    return [
        (
            listing_id,
            round(score, 6),
            [
                label
                for label, hit in (
                    ("keyword", listing_id in keyword_set),
                    ("semantic", listing_id in semantic_set),
                )
                if hit
            ],
        )
        for listing_id, score in ordered
    ]


def _check_limit(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            "invalid_limit", f"limit must be between 1 and {MAX_LIMIT}.", field="limit"
        )
    if offset < 0:
        raise ValidationFailed("invalid_offset", "offset cannot be negative.", field="offset")


def search(
    *,
    session: Session,
    redis_client: redis.Redis,
    query: str,
    filters: BrowseFilters | None = None,
    limit: int = 10,
    offset: int = 0,
) -> SearchResults:
    """The ranking shared by the search page, GET /api/search and `vibecoder search`."""
    _check_limit(limit, offset)
    require_plain_text(search=query)
    normalized = normalize_query(query)
    filters = filters or BrowseFilters()
    corrected = typos.correct(session, normalized)
    searched = corrected or normalized
    vector, _cached = query_embedding(redis_client=redis_client, query=searched)
    # One nearest-neighbour scan serves the ranking and the relevance floor.
    nearby = nearest(session, vector, filters) if vector is not None else []
    ranked = rank(session=session, query=searched, vector=vector, filters=filters, nearby=nearby)
    if ranked and not _relevant_enough(session, searched, nearby, ranked):
        ranked = []
    page = ranked[offset : offset + limit]
    names = {
        listing_id: (slug, title)
        for listing_id, slug, title in session.exec(
            select(Listing.id, Listing.slug, Listing.title).where(
                Listing.id.in_([listing_id for listing_id, _, _ in page])
            )
        )
    }
    hits = [
        SearchHit(slug=names[i][0], title=names[i][1], score=score, matched=matched)
        for i, score, matched in page
    ]
    return SearchResults(query=normalized, hits=hits, total=len(ranked), corrected=corrected)


_COVERAGE_SQL = text(
    "SELECT coalesce(max(("
    "  SELECT count(*) FROM unnest(CAST(:terms AS text[])) AS t(term)"
    "  WHERE l.search_vector @@ plainto_tsquery('english', t.term)"
    ")), 0) FROM listings AS l WHERE l.id = ANY(CAST(:ids AS integer[]))"
)
_CONTENT_TERMS_SQL = text(
    "SELECT count(*) FROM unnest(CAST(:terms AS text[])) AS t(term)"
    " WHERE numnode(plainto_tsquery('english', t.term)) > 0"
)


def _relevant_enough(
    session: Session,
    query: str,
    nearby: list[tuple[int, float]],
    ranked: list[tuple[int, float, list[str]]],
) -> bool:
    """The relevance floor: without one good match, a nonsense query says "no results" rather
    than listing whatever happens to be least far away."""
    if ranked[0][1] >= EXACT_BOOST:
        return True
    terms = _terms(query)
    keyword_ids = [i for i, _, matched in ranked[:CANDIDATES] if "keyword" in matched]
    if terms and keyword_ids:
        content = session.exec(_CONTENT_TERMS_SQL, params={"terms": terms}).one()[0]
        covered = session.exec(_COVERAGE_SQL, params={"terms": terms, "ids": keyword_ids}).one()[0]
        if content and covered * 2 >= content:
            return True
    if not nearby:
        return False
    top, distance = nearby[0]
    if distance <= 1 - STRONG_SIMILARITY:
        return True
    # Two independent signals agreeing: the nearest listing by meaning also has query words
    # ("classic arcade game logic" -> a game engine at 0.25, matched on "game").
    return top in keyword_ids


def result_cards(*, session: Session, hits: list[SearchHit]) -> list[SearchResultCard]:
    """Cards for a page of hits, in the hits' order."""
    if not hits:
        return []
    rows = session.exec(card_query().where(Listing.slug.in_([h.slug for h in hits])))
    cards = {card.slug: card for card in (to_card(row) for row in rows)}
    return [
        SearchResultCard(
            **cards[h.slug].model_dump(),
            score=h.score,
            keyword="keyword" in h.matched,
            semantic="semantic" in h.matched,
        )
        for h in hits
        if h.slug in cards
    ]


def similar_listings(*, session: Session, listing_id: int, limit: int = 4) -> list[ListingCard]:
    """Nearest published neighbours of a listing by embedding, never the listing itself."""
    vector = session.exec(select(Listing.embedding).where(Listing.id == listing_id)).first()
    if vector is None:
        return []
    ids = nearest_ids(session, list(vector), BrowseFilters(), limit=limit, exclude_id=listing_id)
    if not ids:
        return []
    rows = session.exec(
        card_query().where(Listing.id.in_(ids), Listing.status == ListingStatus.published)
    )
    by_id = {row[0].id: to_card(row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def similar_to_slug(*, session: Session, slug: str, limit: int = 4) -> list[ListingCard]:
    """The "Similar listings" panel of a listing page, by the page's slug; unknown slug: none."""
    listing_id = session.exec(select(Listing.id).where(Listing.slug == slug)).first()
    # Only published listings are ever suggested, so a draft's neighbours leak nothing.
    return (
        similar_listings(session=session, listing_id=listing_id, limit=limit) if listing_id else []
    )
