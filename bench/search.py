"""Search benchmark: embedding throughput, query latency at 10k/100k rows, HNSW recall, relevance.

    python -m bench.search            (or `make bench-search`)

On a private embedded Postgres/Redis (temporary data dir):
1. Embedding throughput: `reindex --force` of the 40 seeded listings (text assembly + model +
   UPDATE), and the model alone on 512 listing documents in batches of 32.
2. Relevance on the seed data: NDCG@10 of keyword-only, vector-only and hybrid ranking over the
   labelled queries in bench/search_queries.py.
3. Scale: synthetic listings are added in SQL, each a copy of a seeded listing with a variant word
   in its title and its embedding perturbed by uniform noise (so neighbourhoods are realistic, not
   40 duplicates), random category, price and pricing model. The HNSW index is rebuilt after the
   bulk insert. At 10k and at 100k rows: query embedding latency (model, uncached) separately
   from the database part of the hybrid ranking (all four queries, with and without filters),
   p50/p95; recall@10 of the filtered HNSW iterative scan against an exact scan.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import print_table, start_services, stop_services, summary_ms, write_result
from bench.search_queries import LABELLED_QUERIES

SCALES = [int(n) for n in os.environ.get("BENCH_SEARCH_SCALES", "10000,100000").split(",") if n]
# Embedding runtimes compared side by side in one run (throughput and relevance each):
# torch = sentence-transformers on PyTorch, onnx = ONNX Runtime fp32, onnx-int8 = quantized.
BACKENDS = [
    b for b in os.environ.get("BENCH_SEARCH_BACKENDS", "torch,onnx,onnx-int8").split(",") if b
]
LATENCY_QUERIES = 60
# Synthetic embeddings: a seeded listing's vector moved towards another one's by up to MAX_MIX
# of the way, plus uniform noise of ±NOISE/2 per dimension (docs/search.md).
MAX_MIX = float(os.environ.get("BENCH_SEARCH_MAX_MIX", "0.5"))
NOISE = float(os.environ.get("BENCH_SEARCH_NOISE", "0.03"))
CATEGORIES = [
    "CLI tools",
    "Web components",
    "APIs",
    "Data scripts",
    "Bots",
    "Games",
    "Storefront templates",
    "Utilities",
    "DevOps",
    "AI agents",
]


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:10]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(slug, 0) for slug in ranked]) / ideal if ideal else 0.0


def embedding_throughput(session_factory) -> dict:
    from sqlmodel import select

    from vibecoder.domain.search import embeddings
    from vibecoder.domain.search.index import listing_document, reindex
    from vibecoder.models.catalog import Listing

    embeddings.encode(["warm up"])
    start = time.perf_counter()
    summary = reindex(session_factory=session_factory, force=True)
    reindex_seconds = time.perf_counter() - start
    with session_factory() as session:
        documents = [
            listing_document(session=session, listing=listing)
            for listing in session.exec(select(Listing))
        ]
    texts = [documents[i % len(documents)] + f" v{i}" for i in range(512)]
    start = time.perf_counter()
    embeddings.encode(texts, batch_size=32)
    model_seconds = time.perf_counter() - start
    return {
        "reindex_listings": summary.total,
        "reindex_listings_per_second": round(summary.total / reindex_seconds, 1),
        "model_documents": len(texts),
        "model_documents_per_second": round(len(texts) / model_seconds, 1),
    }


def relevance(session_factory) -> dict:
    from sqlmodel import select

    from vibecoder.domain.catalog.browse import BrowseFilters
    from vibecoder.domain.search import embeddings
    from vibecoder.domain.search.query import normalize_query, rank
    from vibecoder.models.catalog import Listing

    scores: dict[str, list[float]] = {"keyword": [], "vector": [], "hybrid": []}
    hits3: dict[str, list[float]] = {"keyword": [], "vector": [], "hybrid": []}
    methods = {"keyword": ("keyword",), "vector": ("semantic",), "hybrid": ("keyword", "semantic")}
    with session_factory() as session:
        slug_of = {i: slug for i, slug in session.exec(select(Listing.id, Listing.slug)).all()}
        for query, grades in LABELLED_QUERIES.items():
            normalized = normalize_query(query)
            [vector] = embeddings.encode([normalized])
            for name, used in methods.items():
                ranked = rank(
                    session=session,
                    query=normalized,
                    vector=vector,
                    filters=BrowseFilters(),
                    methods=used,
                )
                slugs = [slug_of[i] for i, _, _ in ranked]
                scores[name].append(ndcg_at_10(slugs, grades))
                # hits@3: a listing graded 2 (what the buyer asked for) is in the top three.
                hits3[name].append(float(any(grades.get(s) == 2 for s in slugs[:3])))
    return {
        "queries": len(LABELLED_QUERIES),
        **{f"ndcg10_{name}": round(sum(v) / len(v), 3) for name, v in scores.items()},
        **{f"hits3_{name}": round(sum(v) / len(v), 3) for name, v in hits3.items()},
    }


def seed_documents(count: int = 512) -> list[str]:
    """`count` listing documents from the 40 seed listings' texts, numbered so none repeats
    (the model-only throughput corpus; bench.profile_embeddings uses it too)."""
    import json

    from vibecoder.domain.search import embeddings
    from vibecoder.settings import PROJECT_ROOT

    seeds = sorted((PROJECT_ROOT / "vibecoder" / "seed_data" / "listings").glob("*/listing.json"))
    docs = []
    for path in seeds:
        data = json.loads(path.read_text())
        docs.append(
            embeddings.listing_text(
                title=data.get("title", ""),
                summary=data.get("summary", ""),
                description=data.get("description", ""),
                category=data.get("category", ""),
                technologies=data.get("technologies", []),
                file_names=[],
            )
        )
    return [docs[i % len(docs)] + f" v{i}" for i in range(count)]


def model_only() -> dict:
    """Documents/s of each runtime on the seed listings' texts (no database): 512 documents
    (the 40 seed listings' texts, numbered), batches of 32, after one warm-up batch."""
    from vibecoder.domain.search import embeddings

    texts = seed_documents()
    out = {}
    for name in BACKENDS:
        use_backend(name)
        embeddings.encode(texts[:32])
        start = time.perf_counter()
        embeddings.encode(texts, batch_size=32)
        out[name] = round(len(texts) / (time.perf_counter() - start), 1)
    return out


def use_backend(name: str) -> None:
    """Point the embedding module at one runtime (env + settings), loaded on the next encode."""
    from vibecoder.domain.search import embeddings
    from vibecoder.settings import get_settings

    os.environ["VIBECODER_EMBEDDING_BACKEND"] = "torch" if name == "torch" else "onnx"
    os.environ["VIBECODER_EMBEDDING_ONNX_INT8"] = "true" if name == "onnx-int8" else "false"
    get_settings.cache_clear()
    embeddings.reset()


def compare_backends(session_factory) -> dict:
    """Each runtime: reindex + model throughput, then relevance over the vectors it wrote."""
    out = {}
    for name in BACKENDS:
        use_backend(name)
        out[name] = {**embedding_throughput(session_factory), **relevance(session_factory)}
    return out


def grow_to(engine, target: int, seed: int = 7) -> float:
    """Add synthetic rows until the table holds `target` listings; returns seconds spent."""
    from sqlalchemy import text

    start = time.perf_counter()
    with engine.begin() as conn:
        current = conn.execute(text("SELECT count(*) FROM listings")).scalar_one()
        missing = target - current
        if missing <= 0:
            return 0.0
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text(f"SELECT setseed({seed / 100})"))
        conn.execute(text("DROP INDEX IF EXISTS ix_listings_embedding_hnsw"))
        conn.execute(
            text(
                """
                WITH seeds AS MATERIALIZED (
                    SELECT *, row_number() OVER (ORDER BY id) - 1 AS n FROM listings
                    WHERE embedding IS NOT NULL AND slug NOT LIKE '%-syn-%')
                INSERT INTO listings (seller_id, slug, title, summary, description, category,
                    license_type, pricing_model, price_cents, currency, status, embedding,
                    rating_avg, rating_count, sales_count, view_count, created_at, updated_at,
                    published_at)
                SELECT s.seller_id, s.slug || '-syn-' || g, s.title || ' ' || (ARRAY['Pro',
                    'Lite','Plus','Kit','Studio','Core','Max','Mini'])[1 + g % 8] || ' ' || g,
                    s.summary, s.description,
                    (CAST(:categories AS text[]))[1 + floor(random() * 10)::int],
                    s.license_type,
                    (ARRAY['one_time','one_time','subscription_monthly','free','usage'])
                        [1 + floor(random() * 5)::int],
                    (floor(random() * 100) * 100)::int, 'usd', 'published',
                    (SELECT array_agg(x + w.mix * (y - x) + (random()::real - 0.5) * :noise
                        ORDER BY i)
                        FROM unnest(s.embedding::real[], t.embedding::real[])
                        WITH ORDINALITY AS u(x, y, i))::vector,
                    0, 0, 0, 0, now(), now(), now()
                FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g
                JOIN seeds s ON s.n = g % (SELECT count(*) FROM seeds)
                JOIN seeds t ON t.n = (g / 40 + g * 7) % (SELECT count(*) FROM seeds)
                CROSS JOIN LATERAL (SELECT random()::real * :max_mix + 0 * g AS mix) w
                """
            ),
            {
                "categories": CATEGORIES,
                "first": current + 1,
                "last": target,
                "noise": NOISE,
                "max_mix": MAX_MIX,
            },
        )
        conn.execute(
            text(
                "CREATE INDEX ix_listings_embedding_hnsw ON listings USING hnsw "
                "(embedding vector_cosine_ops) WITH (m = 32, ef_construction = 200)"
            )
        )
    with engine.connect() as conn:
        # What autovacuum does after a bulk load: statistics and a tidy visibility map.
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE listings")
        )
    return time.perf_counter() - start


def latency_and_recall(session_factory, rows: int) -> dict:
    from sqlalchemy import text

    from vibecoder.domain.catalog.browse import BrowseFilters
    from vibecoder.domain.search import embeddings
    from vibecoder.domain.search.query import nearest_ids, normalize_query, rank

    rng = random.Random(rows)
    queries = list(LABELLED_QUERIES)
    picked = [queries[i % len(queries)] for i in range(LATENCY_QUERIES)]
    embed_times, db_times, db_filtered_times = [], [], []
    recalls: dict[str, list[float]] = {"none": [], "category": [], "category+price": []}
    for index, query in enumerate(picked):
        normalized = normalize_query(query) + ("" if index < len(queries) else f" {index}")
        start = time.perf_counter()
        [vector] = embeddings.encode([normalized])
        embed_times.append(time.perf_counter() - start)
        category = rng.choice(CATEGORIES)
        for filters, bucket in (
            (BrowseFilters(), db_times),
            (BrowseFilters(category=category, max_price_cents=5000), db_filtered_times),
        ):
            with session_factory() as session:
                start = time.perf_counter()
                rank(session=session, query=normalized, vector=vector, filters=filters)
                bucket.append(time.perf_counter() - start)
        for name, filters in (
            ("none", BrowseFilters()),
            ("category", BrowseFilters(category=category)),
            ("category+price", BrowseFilters(category=category, max_price_cents=3000)),
        ):
            with session_factory() as session:
                approx = nearest_ids(session, vector, filters, limit=10, min_similarity=-1.0)
            with session_factory() as session:
                session.exec(text("SET LOCAL enable_indexscan = off"))
                exact = nearest_ids(session, vector, filters, limit=10, min_similarity=-1.0)
            if exact:
                recalls[name].append(len(set(approx) & set(exact)) / len(exact))
    return {
        "rows": rows,
        "query_embedding": summary_ms(embed_times),
        "db_hybrid": summary_ms(db_times),
        "db_hybrid_filtered": summary_ms(db_filtered_times),
        **{f"recall10_{k}": round(sum(v) / len(v), 4) for k, v in recalls.items() if v},
    }


def main() -> None:
    if os.environ.get("BENCH_SEARCH_MODEL_ONLY"):
        rates = model_only()
        path = write_result("search_model_only", {"documents_per_second": rates})
        print_table(
            "Embedding model alone, 512 seed documents, batch 32",
            [(name, f"{rate} documents/s") for name, rate in rates.items()],
        )
        print(f"\nresult: {path}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-search-"))
    start_services(tmp / "data")
    try:
        from vibecoder.cli import upgrade_database
        from vibecoder.domain.catalog.seed import seed_demo_data
        from vibecoder.infra.db import get_engine, session_scope

        upgrade_database()
        seed_demo_data(only_if_empty=True)
        backends = compare_backends(session_scope)
        throughput = backends[BACKENDS[-1]] if BACKENDS else embedding_throughput(session_scope)
        quality = throughput if BACKENDS else relevance(session_scope)
        scales = []
        for rows in SCALES:
            build_seconds = grow_to(get_engine(), rows)
            result = latency_and_recall(session_scope, rows)
            result["insert_and_index_seconds"] = round(build_seconds, 1)
            scales.append(result)
    finally:
        stop_services()
        shutil.rmtree(tmp, ignore_errors=True)
    path = write_result(
        "search",
        {"embedding": throughput, "relevance": quality, "backends": backends, "scales": scales},
    )
    rows = []
    for name, b in backends.items():
        rows += [
            (
                f"{name}: reindex / model batch 32",
                f"{b['reindex_listings_per_second']} listings/s"
                f" / {b['model_documents_per_second']} documents/s",
            ),
            (
                f"{name}: NDCG@10 hybrid / vector, hits@3 hybrid",
                f"{b['ndcg10_hybrid']} / {b['ndcg10_vector']}, {b['hits3_hybrid']}",
            ),
        ]
    rows += [
        ("reindex (seed, model + DB)", f"{throughput['reindex_listings_per_second']} listings/s"),
        ("model only, batch 32", f"{throughput['model_documents_per_second']} documents/s"),
        (
            f"NDCG@10 keyword / vector / hybrid ({quality['queries']} queries)",
            " / ".join(str(quality[f"ndcg10_{m}"]) for m in ("keyword", "vector", "hybrid")),
        ),
    ]
    for scale in scales:
        n = f"{scale['rows']:,} rows"
        rows += [
            (f"{n}: query embedding p50/p95", _pair(scale["query_embedding"])),
            (f"{n}: DB hybrid p50/p95", _pair(scale["db_hybrid"])),
            (f"{n}: DB hybrid + filters p50/p95", _pair(scale["db_hybrid_filtered"])),
            (
                f"{n}: recall@10 none / category / category+price",
                f"{scale.get('recall10_none')} / {scale.get('recall10_category')} / "
                f"{scale.get('recall10_category+price')}",
            ),
            (f"{n}: insert + HNSW build", f"{scale['insert_and_index_seconds']} s"),
        ]
    print_table("Search", rows)
    print(f"\nresult: {path}")


def _pair(stats: dict) -> str:
    return f"{stats['p50_ms']} / {stats['p95_ms']} ms"


if __name__ == "__main__":
    main()
