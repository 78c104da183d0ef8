"""Search ranking on a small fixed corpus, the embeddings task in a real worker, the query cache."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from tests.conftest import run_cli, wait_for
from tests.integration.test_catalog import make_user, publish_listing
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.browse import BrowseFilters
from vibecoder.domain.errors import ValidationFailed
from vibecoder.domain.search import embeddings
from vibecoder.domain.search.index import embed_listing, reindex
from vibecoder.domain.search.query import search, similar_listings
from vibecoder.models.catalog import Listing
from vibecoder.models.users import User

CORPUS = [
    {
        "title": "Exif Date Renamer",
        "summary": "Renames photos to their capture date read from EXIF metadata.",
        "description": "Point it at a folder of JPEGs; files become 2024-05-01_14-03-22.jpg.",
        "category": "CLI tools",
        "technologies": ["Python"],
        "pricing_model": "one_time",
        "price_cents": 500,
    },
    {
        "title": "Roastery",
        "summary": "Moody espresso-bar storefront with menu, beans and opening hours.",
        "description": "A dark themed React landing page for cafés: hero, menu grid, map.",
        "category": "Storefront templates",
        "technologies": ["React", "Tailwind"],
        "pricing_model": "one_time",
        "price_cents": 2900,
    },
    {
        "title": "Webhook Signature Verifier",
        "summary": "Checks HMAC signatures of incoming webhooks with timestamp tolerance.",
        "description": "Constant-time comparison, replay window, multiple secrets.",
        "category": "APIs",
        "technologies": ["Python"],
        "pricing_model": "free",
        "price_cents": 0,
        "license_type": "mit",
    },
    {
        "title": "Snake Game Engine",
        "summary": "Grid, growth and collision rules for the classic snake game.",
        "description": "Deterministic ticks so you can test it; bring your own renderer.",
        "category": "Games",
        "technologies": ["JavaScript"],
        "pricing_model": "one_time",
        "price_cents": 700,
    },
    {
        "title": "Budget Categorizer",
        "summary": "Sorts bank transactions into spending categories with rules.",
        "description": "Reads CSV exports and prints a monthly summary per category.",
        "category": "Data scripts",
        "technologies": ["Python", "csv"],
        "pricing_model": "one_time",
        "price_cents": 1500,
    },
    {
        "title": "Coffee Counter",
        "summary": "Counts cups of coffee per day from a tally file.",
        "description": "A tiny Python script.",
        "category": "CLI tools",
        "technologies": ["Python"],
        "pricing_model": "one_time",
        "price_cents": 300,
    },
]


@pytest.fixture
def corpus(db, redis_client):
    seller = make_user(db, "corpus-seller@example.com")
    listings = [publish_listing(db, seller, **item) for item in CORPUS]
    for listing in listings:
        embed_listing(session=db, listing_id=listing.id)
    db.commit()
    return {listing.slug: listing for listing in listings}


def slugs(results) -> list[str]:
    return [hit.slug for hit in results.hits]


def test_a_listing_is_found_by_meaning_with_no_shared_keyword(db, redis_client, corpus):
    # "Roastery" never says coffee, shop or landing.
    results = search(
        session=db, redis_client=redis_client, query="dark landing page for a coffee shop"
    )
    assert "roastery" in slugs(results)[:2]
    hit = next(h for h in results.hits if h.slug == "roastery")
    assert "semantic" in hit.matched


def test_exact_title_ranks_first_and_is_marked_keyword(db, redis_client, corpus):
    results = search(session=db, redis_client=redis_client, query="coffee counter")
    assert slugs(results)[0] == "coffee-counter"
    assert results.hits[0].matched[0] == "keyword"
    assert results.hits[0].score > results.hits[1].score + 0.5
    # The slug works as well as the title.
    assert slugs(search(session=db, redis_client=redis_client, query="snake-game-engine"))[0] == (
        "snake-game-engine"
    )


def test_typos_still_find_the_title(db, redis_client, corpus):
    results = search(session=db, redis_client=redis_client, query="webhok verifer")
    assert slugs(results)[0] == "webhook-signature-verifier"
    assert "keyword" in results.hits[0].matched


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (BrowseFilters(category="CLI tools"), {"exif-date-renamer", "coffee-counter"}),
        (BrowseFilters(pricing_model="free"), {"webhook-signature-verifier"}),
        (BrowseFilters(technology="react"), {"roastery"}),
        (
            BrowseFilters(max_price_cents=600),
            {"exif-date-renamer", "coffee-counter", "webhook-signature-verifier"},
        ),
    ],
)
def test_filters_never_leak_excluded_rows(db, redis_client, corpus, filters, allowed):
    for query in ("coffee", "rename photos", "snake", "roastery", "webhook"):
        results = search(
            session=db, redis_client=redis_client, query=query, filters=filters, limit=50
        )
        assert set(slugs(results)) <= allowed, query


def test_unpublished_listings_are_never_returned(db, redis_client, corpus):
    owner = db.get(User, corpus["snake-game-engine"].seller_id)
    catalog.archive_listing(session=db, seller=owner, listing_id=corpus["snake-game-engine"].id)
    db.commit()
    results = search(session=db, redis_client=redis_client, query="snake game engine")
    assert "snake-game-engine" not in slugs(results)


def test_similar_listings_are_neighbours_and_never_the_listing_itself(db, corpus):
    similar = similar_listings(session=db, listing_id=corpus["coffee-counter"].id, limit=3)
    found = [card.slug for card in similar]
    assert "coffee-counter" not in found
    assert found and len(found) <= 3


def test_query_embeddings_are_cached_in_redis(db, redis_client, corpus):
    before = embeddings.encode_calls
    first = search(session=db, redis_client=redis_client, query="  Photo   RENAMER ")
    after_first = embeddings.encode_calls
    second = search(session=db, redis_client=redis_client, query="photo renamer")
    assert after_first == before + 1
    assert embeddings.encode_calls == after_first  # normalised text hit the cache
    assert slugs(first) == slugs(second)
    keys = redis_client.keys("vibecoder:search:qvec:*")
    assert len(keys) == 1
    assert 0 < redis_client.ttl(keys[0]) <= 24 * 3600


@pytest.mark.parametrize(
    ("query", "limit", "code"),
    [("   ", 10, "empty_query"), ("x" * 201, 10, "query_too_long"), ("ok", 0, "invalid_limit")],
)
def test_bad_queries_get_clear_errors(db, redis_client, query, limit, code):
    with pytest.raises(ValidationFailed) as excinfo:
        search(session=db, redis_client=redis_client, query=query, limit=limit)
    assert excinfo.value.code == code


def test_reindex_is_idempotent(db, corpus):
    from vibecoder.infra.db import session_scope

    assert reindex(session_factory=session_scope).as_dict() == {
        "total": 6,
        "embedded": 0,
        "unchanged": 6,
    }
    listing = corpus["budget-categorizer"]
    owner = db.get(User, listing.seller_id)
    catalog.update_listing(
        session=db,
        seller=owner,
        listing_id=listing.id,
        data={**CORPUS[4], "summary": "Sorts bank transactions into categories and budgets."},
    )
    db.commit()
    assert reindex(session_factory=session_scope).as_dict()["embedded"] == 1


def test_api_cli_and_service_return_the_same_ranking(db, redis_client, corpus):
    from vibecoder.api import build_api

    with TestClient(build_api()) as client:
        response = client.get("/api/search", params={"q": "rename photos by date", "limit": 3})
        assert response.status_code == 200
        api_results = response.json()["results"]
        bad = client.get("/api/search", params={"q": "", "limit": 3})
        assert bad.status_code == 422 and bad.json()["error"] == "empty_query"
        bad = client.get("/api/search", params={"q": "x", "limit": "lots"})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_limit"
        bad = client.get("/api/search", params={"q": "x", "min_price_cents": "-5"})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_filter"
    assert api_results[0]["slug"] == "exif-date-renamer"
    assert set(api_results[0]) == {"slug", "title", "score", "matched"}
    cli = run_cli("search", "rename photos by date", "--limit", "3", "--json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == api_results


def test_publishing_embeds_the_listing_through_the_worker(db, celery_worker):
    seller = make_user(db, "worker-seller@example.com")
    listing = publish_listing(db, seller, **CORPUS[0])

    def embedded() -> Listing | None:
        db.expire_all()
        row = db.get(Listing, listing.id)
        return row if row.embedding is not None else None

    row = wait_for(embedded, timeout=60, interval=0.2, message="the worker never embedded it")
    assert len(row.embedding) == 384
    assert row.embedded_text_sha is not None
    # An unchanged listing is not re-encoded: the task reports it and leaves the row alone.
    assert embed_listing(session=db, listing_id=listing.id) == "unchanged"
