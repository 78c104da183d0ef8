"""A worker SIGKILLed in the middle of fulfilling a purchase: after it restarts the purchase
completes exactly once (one paid purchase, one license, one sale in the ledger, one receipt).

The test holds a row lock on the listing, so the worker blocks inside fulfilment (the webhook
event is stored, the license row written but not committed) at a known point; it is killed
there. Postgres rolls its transaction back; the supervisor restarts the worker; beat's sweep
re-queues the stored-but-unapplied event; it is applied once.
"""

from __future__ import annotations

import re
import time
import uuid

from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session

from tests.e2e.conftest import sign_in, wait_for_app
from vibecoder.domain.accounts import auth

PASSWORD = "juniper-anchor-2026"
SLUG = "csv-dedupe"
# Payment events go to the `default` queue, consumed by the embeddings+default worker.
WORKER = "worker-embeddings.1"


def _blocked_worker_pid(conn, holder_pid: int) -> int | None:
    """The session stuck behind our listing lock: the worker's fulfilment transaction (its
    first write that references the listing: the license insert's foreign key or the sales
    count update)."""
    return conn.execute(
        text(
            "select pid from pg_stat_activity where wait_event_type = 'Lock'"
            " and :holder = any(pg_blocking_pids(pid))"
        ),
        {"holder": holder_pid},
    ).scalar()


def test_worker_killed_mid_fulfilment_completes_exactly_once(prod_local, prod_page):
    page = prod_page
    email = f"killed-{uuid.uuid4().hex[:8]}@example.com"
    with Session(prod_local.engine) as session:
        auth.register(session=session, email=email, password=PASSWORD)
        session.commit()
    sign_in(page, prod_local, email, PASSWORD, f"/listing/{SLUG}")
    page.locator("#buy-button").click()
    page.wait_for_url(re.compile(r".*/api/checkout/dummy/cs_dummy_\w+$"))

    holder = prod_local.engine.connect()
    tx = holder.begin()
    try:
        holder_pid = holder.execute(text("select pg_backend_pid()")).scalar_one()
        holder.execute(text("select id from listings where slug = :s for update"), {"s": SLUG})
        page.fill("#card-number", "4242 4242 4242 4242")
        page.click("#pay-button")
        page.wait_for_url(re.compile(r".*/library\?purchase=\d+$"))
        purchase_id = int(page.url.rsplit("=", 1)[1])
        # Wait for the worker to reach the lock: inside fulfilment, license not committed.
        deadline = time.monotonic() + 120
        with prod_local.engine.connect() as watcher:
            while (blocked := _blocked_worker_pid(watcher, holder_pid)) is None:
                assert time.monotonic() < deadline, prod_local.log_tail()
                time.sleep(0.2)
        killed = prod_local.kill(WORKER)
        # The dead worker's transaction is rolled back by Postgres once its socket closes.
        with prod_local.engine.connect() as watcher:
            gone = "select count(*) from pg_stat_activity where pid = :p"
            while watcher.execute(text(gone), {"p": blocked}).scalar_one():
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        tx.rollback()
        holder.close()

    with prod_local.engine.connect() as conn:
        assert (
            conn.execute(
                text("select count(*) from licenses where purchase_id = :p"), {"p": purchase_id}
            ).scalar_one()
            == 0
        ), "the killed worker's half-done fulfilment must not survive"
    prod_local.wait_restarted(WORKER, killed)

    deadline = time.monotonic() + 180
    while True:
        with prod_local.engine.connect() as conn:
            status = conn.execute(
                text("select status from purchases where id = :p"), {"p": purchase_id}
            ).scalar_one()
        if status == "paid":
            break
        assert time.monotonic() < deadline, f"purchase still {status}:\n{prod_local.log_tail()}"
        time.sleep(1)
    time.sleep(8)  # a further sweep round must not apply it again
    with prod_local.engine.connect() as conn:
        counts = {
            "licenses": "select count(*) from licenses where purchase_id = :p",
            "sales": "select count(*) from ledger_entries where purchase_id = :p and kind = 'sale'",
            "receipts": "select count(*) from notifications where dedupe_key = 'receipt:' || :p",
        }
        got = {k: conn.execute(text(q), {"p": purchase_id}).scalar_one() for k, q in counts.items()}
        sales_count_events = conn.execute(
            text(
                "select count(*) from analytics_events where kind = 'purchase'"
                " and user_id = (select buyer_id from purchases where id = :p)"
            ),
            {"p": purchase_id},
        ).scalar_one()
    assert got == {"licenses": 1, "sales": 1, "receipts": 1}
    assert sales_count_events == 1
    outbox = prod_local.root / "data" / "outbox"
    deadline = time.monotonic() + 60
    while True:
        receipts = (
            [
                p
                for p in outbox.glob("*.eml")
                if email in p.read_text(errors="replace")
                and "Receipt" in p.read_text(errors="replace")
            ]
            if outbox.exists()
            else []
        )
        if receipts or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(receipts) == 1
    # The buyer sees it paid in their library.
    page.reload()
    wait_for_app(page)
    expect(page.locator(f"#purchase-{purchase_id} .purchase-status")).to_have_text("Paid")
