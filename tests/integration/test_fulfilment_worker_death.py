"""A Celery worker SIGKILLed mid-fulfilment: the purchase still completes, exactly once.

The Stripe webhook is stored and its task taken by a real worker process; the worker is made to
stop at the exact point where it issues the license: this test holds a row lock on the listing,
so the license INSERT (its foreign key takes a share lock on that row) waits inside the
worker's open transaction, the purchase already marked paid there. No code of ours is changed
or mocked; Postgres itself holds the worker at that statement, and pg_stat_activity shows it.

The worker's process group is then SIGKILLed. Its transaction never commits and its task is
never acknowledged. A new worker finishes the purchase through beat's sweep (events stored but
never applied), and Celery's own redelivery of the killed worker's unacknowledged message
(after the broker's visibility timeout, fast-forwarded here) and Stripe's retry of the webhook
change nothing: one purchase, one license, one sale in the ledger, one receipt email.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import Session, select

from tests.conftest import PROJECT_ROOT, wait_for
from tests.fakes.commerce import (
    api_fixture,  # noqa: F401 - the `api` fixture
    make_user,
    post_event,
    publish,
    purchase_status,
    stripe_fake_fixture,  # noqa: F401 - the `stripe_fake` fixture
)
from tests.fakes.stripe_server import event
from vibecoder.cli import worker_command
from vibecoder.domain.commerce import checkout
from vibecoder.infra.db import get_engine
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import (
    LedgerEntry,
    License,
    Notification,
    ProcessedWebhookEvent,
    Purchase,
)
from vibecoder.models.users import Role
from vibecoder.settings import get_settings

# Where kombu's Redis transport keeps delivered, not yet acknowledged messages.
UNACKED, UNACKED_INDEX = "unacked", "unacked_index"


def _celery():
    # The Celery app reads REDIS_URL when imported: only once the fixtures have set it.
    from workers.celery_app import app

    return app


def _start_worker(name: str, log_path: Path, **env: str) -> subprocess.Popen:
    """A real worker on the payments queue, in its own process group (so it can be killed
    whole, pool children included), answering Celery's ping under its own node name."""
    app = _celery()
    command = worker_command(concurrency=1, queues="default")
    command[command.index("-n") + 1] = f"{name}@%h"
    log = open(log_path, "ab")  # noqa: SIM115 - kept by the child
    proc = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()

    def answers() -> bool:
        assert proc.poll() is None, log_path.read_text()[-3000:]
        replies = app.control.ping(timeout=1.0) or []
        return any(name in node for reply in replies for node in reply)

    wait_for(answers, timeout=90, interval=0.2, message=lambda: log_path.read_text()[-3000:])
    return proc


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _receipts(to: str) -> list[Path]:
    outbox = Path(get_settings().outbox_dir)
    return [
        p
        for p in outbox.glob("*.eml")
        if f"To: {to}" in (body := p.read_text()) and "Subject: Receipt:" in body
    ]


def _fulfilment(db: Session, purchase_id: int, listing_id: int, buyer_id: int) -> dict:
    """What the buyer and seller can see of the purchase, counted."""
    db.expire_all()

    def count(model, *where) -> int:
        return db.exec(select(func.count()).select_from(model).where(*where)).one()

    return {
        "purchases": count(Purchase, Purchase.buyer_id == buyer_id),
        "status": purchase_status(db, purchase_id),
        "licenses": count(License, License.purchase_id == purchase_id),
        "sales": count(
            LedgerEntry, LedgerEntry.purchase_id == purchase_id, LedgerEntry.kind == "sale"
        ),
        "ledger": [
            (kind, cents)
            for kind, cents in db.exec(
                select(LedgerEntry.kind, LedgerEntry.amount_cents)
                .where(LedgerEntry.purchase_id == purchase_id)
                .order_by(LedgerEntry.id)
            ).all()
        ],
        "sales_count": db.get(Listing, listing_id).sales_count,
        "receipt_notices": count(
            Notification, Notification.user_id == buyer_id, Notification.kind == "receipt"
        ),
    }


def _waiting_license_insert() -> int | None:
    """The database backend of a worker waiting on a lock while inserting a license."""
    with get_engine().connect() as conn:
        return conn.execute(
            text(
                "select pid from pg_stat_activity where wait_event_type = 'Lock' "
                "and query ilike 'INSERT INTO licenses%'"
            )
        ).scalar()


def _backend_alive(pid: int) -> bool:
    with get_engine().connect() as conn:
        return bool(
            conn.execute(
                text("select count(*) from pg_stat_activity where pid = :pid"), {"pid": pid}
            ).scalar_one()
        )


def test_worker_killed_mid_fulfilment_completes_the_purchase_exactly_once(
    db, api, stripe_fake, tmp_path
):
    seller = make_user(db, f"seller-{secrets.token_hex(4)}@example.com", Role.seller)
    buyer = make_user(db, f"buyer-{secrets.token_hex(4)}@example.com")
    # Its own title: the email outbox is shared by the whole test session.
    listing = publish(db, seller, title="Killed Worker Deduper")
    start = checkout.begin_checkout(buyer_id=buyer.id, listing_id=listing.id)
    paid = stripe_fake.complete_session(start.url.rsplit("/", 1)[1])
    completed = event("checkout.session.completed", paid)
    purchase_id = start.purchase_id
    app = _celery()

    # Any worker of this test session pauses its payments queue (as an operator would), so
    # the task can only go to the worker started here.
    app.control.cancel_consumer("default", reply=True, timeout=2.0)
    first = second = None
    blocker = get_engine().connect()
    broker = app.connection_for_write()
    redis = broker.default_channel.client
    try:
        first = _start_worker(f"doomed-{os.getpid()}", tmp_path / "doomed.log")
        with blocker.begin():
            blocker.execute(
                text("select id from listings where id = :id for update"), {"id": listing.id}
            )
            response = post_event(api, completed, stripe_fake.webhook_secret)
            assert response.json() == {"received": True, "duplicate": False}
            # The worker took the task and stands inside the fulfilment transaction, at the
            # license INSERT: the webhook is stored, the purchase is marked paid (uncommitted).
            backend = wait_for(_waiting_license_insert, timeout=30, interval=0.1)
            db.expire_all()
            row = db.exec(select(ProcessedWebhookEvent)).one()
            assert row.status == "received"
            [tag] = [
                tag
                for tag, raw in redis.hgetall(UNACKED).items()
                if json.loads(raw)[0]["headers"]["task"] == "workers.payments.process_event"
            ]
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
            # The lock is released when this block ends: the dead worker's transaction can
            # then only end one way, rolled back, once Postgres notices its client is gone.
        wait_for(lambda: not _backend_alive(backend), timeout=30, interval=0.1)

        # Nothing of the purchase happened, and the task is neither done nor lost.
        assert _fulfilment(db, purchase_id, listing.id, buyer.id) == {
            "purchases": 1,
            "status": "pending",
            "licenses": 0,
            "sales": 0,
            "ledger": [],
            "sales_count": 0,
            "receipt_notices": 0,
        }
        assert _receipts(buyer.email) == []
        db.expire_all()
        assert db.exec(select(ProcessedWebhookEvent.status)).one() == "received"
        task_id = json.loads(redis.hget(UNACKED, tag))[0]["headers"]["id"]

        # A new worker; beat's sweep re-queues the event stored but never applied.
        second_log = tmp_path / "second.log"
        second = _start_worker(
            f"second-{os.getpid()}", second_log, VIBECODER_PAYMENTS_STUCK_AFTER_SECONDS="0"
        )
        app.send_task("workers.payments.sweep")
        wait_for(lambda: purchase_status(db, purchase_id) == "paid", timeout=30)
        wait_for(lambda: _receipts(buyer.email), timeout=30)
        done = {
            "purchases": 1,
            "status": "paid",
            "licenses": 1,
            "sales": 1,
            "ledger": [("sale", 900), ("platform_fee", -90)],
            "sales_count": 1,
            "receipt_notices": 1,
        }
        assert _fulfilment(db, purchase_id, listing.id, buyer.id) == done

        # Celery redelivers the killed worker's message once the broker's visibility timeout
        # has passed (an hour; fast-forwarded here). Kombu's restore, which every worker runs
        # on a timer, is run here at once so the order is certain; the new worker takes it.
        redis.zadd(UNACKED_INDEX, {tag: 0})
        broker.default_channel.qos.restore_visible(num=10)
        succeeded = f"Task workers.payments.process_event[{task_id}] succeeded"
        wait_for(
            lambda: succeeded in second_log.read_text(),
            timeout=40,
            interval=0.2,
            message=lambda: second_log.read_text()[-3000:],
        )
        line = next(s for s in second_log.read_text().splitlines() if succeeded in s)
        assert "'already_processed'" in line
        assert not redis.hexists(UNACKED, tag)
        # And Stripe retries the webhook: stored once, nothing new.
        again = post_event(api, completed, stripe_fake.webhook_secret)
        assert again.json() == {"received": True, "duplicate": True}
        time.sleep(1)  # room for any stray task to land before counting
        assert _fulfilment(db, purchase_id, listing.id, buyer.id) == done
        assert len(_receipts(buyer.email)) == 1
        db.expire_all()
        [(status, outcome)] = db.exec(
            select(ProcessedWebhookEvent.status, ProcessedWebhookEvent.outcome)
        ).all()
        assert (status, outcome) == ("processed", "paid")
    finally:
        blocker.close()
        broker.release()
        for proc in (first, second):
            if proc is not None:
                _kill(proc)
        app.control.add_consumer("default", reply=True, timeout=2.0)
        for receipt in _receipts(buyer.email):
            receipt.unlink()
