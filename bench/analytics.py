"""Analytics benchmark: seller dashboard latency over 1M events, with and without rollups.

    python -m bench.analytics            (or `make bench-analytics`)

Set-up: embedded Postgres in a temporary data dir, migrated. SELLERS sellers (a quarter of
them outside UTC, including half-hour zones) own LISTINGS listings; EVENTS analytics events
spread over 180 days are written with one INSERT … SELECT generate_series. Popularity is
skewed: listing = floor(LISTINGS · random()³), so a few listings (and their sellers) get most
of the traffic, as on a real marketplace. Kinds: 78% views, 10% sandbox runs, 6% checkouts
started, 4% purchases, 0.5% refunds, 1.5% reviews; views carry referrers and UTM sources.

1. Rollups: the beat job's work (rollup_seller for every seller) from scratch, timed.
2. Dashboard load = cards with previous period + daily series + funnel + top listings +
   traffic sources (service `dashboard`), and the listings table page (`dashboard_listings`),
   for the 30- and 90-day ranges; REPEAT runs per seller over the busiest sellers and a
   random sample. p50/p95 with rollups, then again with the rollups ignored (raw events).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import print_table, start_services, stop_services, summary_ms, write_result

EVENTS = int(os.environ.get("BENCH_ANALYTICS_EVENTS", "1000000"))
SELLERS = int(os.environ.get("BENCH_ANALYTICS_SELLERS", "200"))
LISTINGS = int(os.environ.get("BENCH_ANALYTICS_LISTINGS", "2000"))
DAYS = 180
REPEAT = int(os.environ.get("BENCH_ANALYTICS_REPEAT", "5"))
SAMPLE = int(os.environ.get("BENCH_ANALYTICS_SAMPLE", "20"))
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide"]


def _seed(engine) -> None:
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(
            text(
                """
                insert into users (email, username, password_hash, role, is_suspended,
                                   created_at, password_changed_at)
                select 'seller' || i || '@bench.example', 'seller' || i, 'x', 'seller', false,
                       now(), now()
                from generate_series(1, :n) i
                """
            ),
            {"n": SELLERS},
        )
        # A quarter of the sellers count days in another timezone (two are half-hour zones).
        conn.execute(
            text(
                """
                insert into profiles (user_id, display_name, bio, links, timezone, updated_at)
                select id, username, '', '[]'::jsonb,
                       case when id % 4 = 0 then (array[:z0, :z1, :z2, :z3])[1 + (id / 4) % 4]
                            else 'UTC' end,
                       now()
                from users
                """
            ),
            {f"z{i}": zone for i, zone in enumerate(ZONES)},
        )
        conn.execute(
            text(
                """
                insert into listings (seller_id, slug, title, summary, description, category,
                    license_type, pricing_model, price_cents, currency, status, rating_avg,
                    rating_count, sales_count, view_count, created_at, updated_at)
                select 1 + (i * 7919) % :sellers, 'bench-' || i, 'Bench listing ' || i, '', '',
                       'Data scripts', 'personal', 'one_time', 500 + (i % 20) * 100, 'usd',
                       'published', 4.2, 3, 0, 0, now(), now()
                from generate_series(0, :n - 1) i
                """
            ),
            {"n": LISTINGS, "sellers": SELLERS},
        )
        conn.execute(
            text(
                """
                insert into analytics_events (kind, listing_id, seller_id, visitor_hash, day,
                    amount_cents, currency, referrer, utm_source, created_at)
                select e.kind, l.id, l.seller_id,
                       case when e.kind = 'view' then md5(g::text) end,
                       case when e.kind = 'view' then (e.at at time zone 'UTC')::date end,
                       case when e.kind in ('purchase', 'refund') then l.price_cents
                            when e.kind = 'review' then 1 + g % 5 else 0 end,
                       'usd',
                       case when e.kind = 'view' and g % 3 = 0 then
                            (array['https://news.ycombinator.com/item?id=1',
                                   'https://www.google.com/', 'https://t.co/abc',
                                   'https://www.reddit.com/r/python/'])[1 + g % 4] end,
                       case when e.kind = 'view' and g % 5 = 0 then
                            (array['newsletter', 'twitter', 'producthunt'])[1 + g % 3] end,
                       e.at
                from generate_series(1, :n) g
                cross join lateral (
                    select now() - random() * interval '180 days' as at,
                           case when r < 0.78 then 'view' when r < 0.88 then 'sandbox_run'
                                when r < 0.94 then 'checkout_started'
                                when r < 0.98 then 'purchase'
                                when r < 0.985 then 'refund' else 'review' end as kind,
                           'bench-' || floor(:listings * pick ^ 3)::int as slug
                    -- g * 0 makes the subquery correlated, so random() is drawn per row.
                    from (select random() + g * 0 as r, random() + g * 0 as pick) x
                ) e
                join listings l on l.slug = e.slug
                """
            ),
            {"n": EVENTS, "listings": LISTINGS},
        )
        conn.execute(text("analyze"))


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(tmp: Path) -> dict:
    start_services(tmp / "data")
    try:
        from sqlalchemy import text
        from sqlmodel import Session

        from vibecoder.cli import upgrade_database
        from vibecoder.domain.analytics.rollup import rollup_seller
        from vibecoder.domain.analytics.seller import dashboard, dashboard_listings
        from vibecoder.infra.db import get_engine
        from vibecoder.models.users import User

        upgrade_database()
        engine = get_engine()
        seed_seconds = _timed(lambda: _seed(engine))
        with engine.connect() as conn:
            events = conn.execute(text("select count(*) from analytics_events")).scalar()
            per_seller = conn.execute(
                text("select seller_id, count(*) from analytics_events group by 1 order by 2 desc")
            ).all()
        seller_ids = [s for s, _ in per_seller]

        def rollup_all() -> None:
            for seller_id in seller_ids:
                with Session(engine) as session:
                    rollup_seller(session=session, seller_id=seller_id)
                    session.commit()

        rollup_seconds = _timed(rollup_all)
        with engine.connect() as conn:
            rollup_rows = conn.execute(text("select count(*) from analytics_daily")).scalar()
            source_rows = conn.execute(
                text("select count(*) from analytics_daily_sources")
            ).scalar()
        # Re-running is the idempotent steady state: last LOOKBACK_DAYS days per seller.
        rerun_seconds = _timed(rollup_all)

        rng = random.Random(9)
        chosen = seller_ids[:5] + rng.sample(seller_ids[5:], min(SAMPLE, len(seller_ids) - 5))

        def measure() -> dict:
            loads, tables, busiest = [], [], []
            with Session(engine) as session:
                for seller_id in chosen:
                    seller = session.get(User, seller_id)
                    for range_key in ("30d", "90d"):
                        for _ in range(REPEAT):
                            loads.append(
                                _timed(
                                    lambda s=seller, r=range_key: dashboard(
                                        session=session, seller=s, range_key=r
                                    )
                                )
                            )
                            tables.append(
                                _timed(
                                    lambda s=seller, r=range_key: dashboard_listings(
                                        session=session, seller=s, range_key=r, sort="revenue"
                                    )
                                )
                            )
                            if seller_id == seller_ids[0]:
                                busiest.append(loads[-1])
                    session.rollback()
            return {
                "dashboard": summary_ms(loads),
                "listings_table": summary_ms(tables),
                "dashboard_busiest_seller": summary_ms(busiest),
            }

        with_rollups = measure()
        busiest_events = per_seller[0][1]
        with engine.begin() as conn:
            # Rollups are ignored for a seller without a watermark: every query reads raw events.
            conn.execute(text("delete from analytics_rollup_state"))
        without_rollups = measure()
    finally:
        stop_services()
    return {
        "events": int(events),
        "sellers": SELLERS,
        "listings": LISTINGS,
        "days": DAYS,
        "busiest_seller_events": int(busiest_events),
        "sellers_measured": len(chosen),
        "runs_per_seller_and_range": REPEAT,
        "seed_seconds": round(seed_seconds, 1),
        "rollup": {
            "from_scratch_seconds": round(rollup_seconds, 1),
            "rerun_seconds": round(rerun_seconds, 2),
            "daily_rows": int(rollup_rows),
            "source_rows": int(source_rows),
        },
        "with_rollups": with_rollups,
        "without_rollups": without_rollups,
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-analytics-"))
    try:
        result = run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    path = write_result("analytics", result)
    w, wo = result["with_rollups"], result["without_rollups"]
    print_table(
        f"Analytics ({result['events']:,} events, {result['sellers']} sellers, "
        f"{result['listings']} listings, {result['days']} days)",
        [
            ("seed (INSERT … SELECT generate_series)", f"{result['seed_seconds']} s"),
            (
                "rollup from scratch / steady-state rerun",
                f"{result['rollup']['from_scratch_seconds']} s / "
                f"{result['rollup']['rerun_seconds']} s "
                f"({result['rollup']['daily_rows']:,} daily rows)",
            ),
            (
                f"dashboard load p50/p95 with rollups (n={w['dashboard']['n']})",
                f"{w['dashboard']['p50_ms']} / {w['dashboard']['p95_ms']} ms",
            ),
            (
                "listings table p50/p95 with rollups",
                f"{w['listings_table']['p50_ms']} / {w['listings_table']['p95_ms']} ms",
            ),
            (
                "dashboard load p50/p95 raw events only",
                f"{wo['dashboard']['p50_ms']} / {wo['dashboard']['p95_ms']} ms",
            ),
            (
                "listings table p50/p95 raw events only",
                f"{wo['listings_table']['p50_ms']} / {wo['listings_table']['p95_ms']} ms",
            ),
            (
                f"busiest seller ({result['busiest_seller_events']:,} events) p50/p95, "
                "rollups / raw",
                f"{w['dashboard_busiest_seller']['p50_ms']} / "
                f"{w['dashboard_busiest_seller']['p95_ms']} ms, "
                f"{wo['dashboard_busiest_seller']['p50_ms']} / "
                f"{wo['dashboard_busiest_seller']['p95_ms']} ms",
            ),
        ],
    )
    print(f"\nresult: {path}")


if __name__ == "__main__":
    main()
