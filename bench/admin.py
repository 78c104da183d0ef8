"""Admin benchmark: latency of the /admin queries on a large marketplace.

    python -m bench.admin

Set-up: embedded Postgres in a temporary data dir, migrated, filled with SQL (generate_series):
BENCH_ADMIN_USERS buyers (default 20,000), 2,000 sellers, BENCH_ADMIN_LISTINGS listings
(20,000), BENCH_ADMIN_PURCHASES paid purchases (200,000) over 90 days with their ledger rows
(sale + platform fee: 400,000), 20,000 reports (5,000 open) and 50,000 audit rows. Each admin
service the page calls (metrics cards, one page of each list, searches) runs 30 times through
the real service functions; p50/p95 per query. A takedown + restore pair (two audited writes)
is timed as well.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.common import print_table, start_services, stop_services, summary_ms, write_result

USERS = int(os.environ.get("BENCH_ADMIN_USERS", "20000"))
SELLERS = 2000
LISTINGS = int(os.environ.get("BENCH_ADMIN_LISTINGS", "20000"))
PURCHASES = int(os.environ.get("BENCH_ADMIN_PURCHASES", "200000"))
REPORTS = 20000
AUDIT = 50000
RUNS = 30

FILL = [
    # Sellers are users 1..SELLERS, buyers follow, the admin is last.
    """insert into users (email, username, password_hash, role, is_suspended, created_at,
         password_changed_at)
       select 'user' || i || '@example.com', 'user' || i, 'x',
              case when i <= :sellers then 'seller' else 'buyer' end, i % 97 = 0,
              now() - (i % 700) * interval '1 day', now()
       from generate_series(1, :sellers + :users) i""",
    """insert into users (email, username, password_hash, role, is_suspended, created_at,
         password_changed_at)
       values ('admin@example.com', 'admin', 'x', 'admin', false, now(), now())""",
    """insert into listings (title, summary, description, category, license_type, pricing_model,
         price_cents, currency, seller_id, slug, status, rating_avg, rating_count, sales_count,
         view_count, created_at, updated_at, published_at)
       select 'Widget ' || i, 'A widget', '', 'Utilities', 'personal', 'one_time',
              500 + (i % 50) * 100, 'usd', 1 + i % :sellers, 'bench-listing-' || i,
              case when i % 10 = 0 then 'draft' else 'published' end, 0, 0, 0, 0,
              now(), now(), now()
       from generate_series(1, :listings) i""",
    """insert into purchases (buyer_id, listing_id, status, amount_cents, currency,
         platform_fee_cents, gateway, idempotency_key, created_at, paid_at)
       select :sellers + 1 + i % :users, 1 + i % :listings,
              case when i % 50 = 0 then 'refunded' else 'paid' end, 900, 'usd', 90, 'dummy',
              'bench-' || i, now() - (i % 90) * interval '1 day',
              now() - (i % 90) * interval '1 day'
       from generate_series(1, :purchases) i""",
    """insert into ledger_entries (seller_id, purchase_id, kind, amount_cents, currency, gateway,
         source_ref, description, created_at)
       select l.seller_id, p.id, k.kind, k.amount, 'usd', 'dummy', 'bench:' || p.id, '',
              p.paid_at
       from purchases p join listings l on l.id = p.listing_id
       cross join (values ('sale', 900), ('platform_fee', -90)) k(kind, amount)""",
    """insert into listing_reports (listing_id, reporter_id, category, details, status,
         created_at)
       select 1 + i % :listings, :sellers + 1 + i % :users, 'spam', 'bench report',
              case when i % 4 = 0 then 'open' else 'resolved' end,
              now() - (i % 60) * interval '1 hour'
       from generate_series(1, :reports) i""",
    """insert into admin_audit_log (actor_id, action, target_type, target_id, reason, details,
         created_at)
       select (select id from users where username = 'admin'), 'listing_taken_down', 'listing',
              1 + i % :listings, 'bench', '{}'::jsonb, now() - i * interval '1 minute'
       from generate_series(1, :audit) i""",
    "analyze",
]


def _fill(engine) -> float:
    params = {
        "users": USERS,
        "sellers": SELLERS,
        "listings": LISTINGS,
        "purchases": PURCHASES,
        "reports": REPORTS,
        "audit": AUDIT,
    }
    started = time.perf_counter()
    with engine.begin() as conn:
        for statement in FILL[:-1]:
            conn.execute(text(statement), params)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(FILL[-1]))
    return time.perf_counter() - started


def _time(session_scope, call) -> dict:
    times = []
    for _ in range(RUNS):
        with session_scope() as session:
            started = time.perf_counter()
            call(session)
            times.append(time.perf_counter() - started)
    return summary_ms(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-admin-"))
    start_services(tmp / "data")
    try:
        from sqlmodel import select

        from vibecoder.cli import upgrade_database
        from vibecoder.domain.moderation import admin
        from vibecoder.infra.db import get_engine, session_scope
        from vibecoder.models.users import User

        upgrade_database()
        fill_seconds = _fill(get_engine())
        with session_scope() as session:
            actor = session.exec(select(User).where(User.username == "admin")).one()
        queries = {
            "metrics cards": lambda s: admin.platform_metrics(session=s, actor=actor),
            "reports queue, page 1": lambda s: admin.list_reports(session=s, actor=actor),
            "reports queue, last page": lambda s: admin.list_reports(
                session=s, actor=actor, page=REPORTS // 4 // admin.PAGE_SIZE
            ),
            "listings, page 1": lambda s: admin.search_listings(session=s, actor=actor),
            "listings, search 'widget 1234'": lambda s: admin.search_listings(
                session=s, actor=actor, q="widget 1234"
            ),
            "users, search 'user1234'": lambda s: admin.search_users(
                session=s, actor=actor, q="user1234"
            ),
            "users, suspended": lambda s: admin.search_users(
                session=s, actor=actor, filter="suspended"
            ),
            "orders, page 1": lambda s: admin.search_purchases(session=s, actor=actor),
            "orders, '#12345'": lambda s: admin.search_purchases(
                session=s, actor=actor, q="#12345"
            ),
            "orders, buyer email": lambda s: admin.search_purchases(
                session=s, actor=actor, q="user4321@example.com"
            ),
            "audit log, page 1": lambda s: admin.audit_log(session=s, actor=actor),
        }
        results = {name: _time(session_scope, call) for name, call in queries.items()}

        def takedown_and_restore(session) -> None:
            admin.take_down_listing(session=session, actor=actor, listing_id=7, reason="bench")
            session.flush()
            admin.restore_listing(session=session, actor=actor, listing_id=7, reason="bench")

        results["takedown + restore (2 audited writes)"] = _time(
            session_scope, takedown_and_restore
        )
    finally:
        stop_services()
        shutil.rmtree(tmp, ignore_errors=True)
    sizes = {
        "users": USERS + SELLERS + 1,
        "listings": LISTINGS,
        "purchases": PURCHASES,
        "ledger_rows": PURCHASES * 2,
        "reports": REPORTS,
        "audit_rows": AUDIT,
    }
    path = write_result(
        "admin", {"sizes": sizes, "fill_seconds": round(fill_seconds, 1), "queries": results}
    )
    print_table(
        "Admin (" + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sizes.items()) + ")",
        [(name, f"{r['p50_ms']} / {r['p95_ms']} ms (p50 / p95)") for name, r in results.items()],
    )
    print(f"\nresult: {path}")


if __name__ == "__main__":
    main()
