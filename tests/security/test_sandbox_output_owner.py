"""Sandbox run output is readable only by the account or visitor session that started it."""

from __future__ import annotations

from tests.fakes.commerce import make_user, publish
from vibecoder.domain.sandbox_runs.runs import get_run, request_run
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.users import Role


def _run(db, listing, *, viewer=None, starter=""):
    run = request_run(
        session=db,
        redis_client=get_redis(),
        listing_id=listing.id,
        viewer=viewer,
        ip="192.0.2.10",
        entry_point="dedupe.py",
        starter=starter,
    )
    db.commit()
    return run.public_id


def test_only_the_starter_reads_a_run(db):
    seller = make_user(db, "seller@example.com", Role.seller)
    alice = make_user(db, "alice@example.com")
    bob = make_user(db, "bob@example.com")
    listing = publish(db, seller)

    visitor_run = _run(db, listing, starter="client-token-a")
    assert get_run(session=db, public_id=visitor_run, viewer=None, starter="client-token-a")
    assert get_run(session=db, public_id=visitor_run, viewer=None, starter="client-token-b") is None
    assert get_run(session=db, public_id=visitor_run, viewer=None) is None
    assert get_run(session=db, public_id=visitor_run, viewer=bob) is None

    alice_run = _run(db, listing, viewer=alice, starter="client-token-c")
    assert get_run(session=db, public_id=alice_run, viewer=alice).user_id == alice.id
    assert get_run(session=db, public_id=alice_run, viewer=bob, starter="client-token-c") is None
    assert get_run(session=db, public_id=alice_run, viewer=None, starter="client-token-c") is None
