"""The async rate-limit check (the license API's on-loop path) and the synchronous one count
in the same Redis window: a client cannot get twice the budget by hitting both kinds of path."""

from __future__ import annotations

import asyncio

import pytest

from vibecoder.errors import RateLimited
from vibecoder.infra import ratelimit


def test_sync_and_async_checks_share_one_window(redis_client):
    limit = "5/minute"
    for _ in range(3):
        ratelimit.check("shared", "203.0.113.7", limit=limit, message="slow down")

    async def two_more_then_refused() -> RateLimited:
        for _ in range(2):
            await ratelimit.check_async("shared", "203.0.113.7", limit=limit, message="slow down")
        with pytest.raises(RateLimited) as refused:
            await ratelimit.check_async("shared", "203.0.113.7", limit=limit, message="slow down")
        return refused.value

    refused = asyncio.run(two_more_then_refused())
    assert refused.message == "slow down" and refused.retry_after >= 1
    # The synchronous path sees the async hits too, and another address has its own budget.
    with pytest.raises(RateLimited):
        ratelimit.check("shared", "203.0.113.7", limit=limit, message="slow down")
    ratelimit.check("shared", "203.0.113.8", limit=limit, message="slow down")


def test_each_event_loop_gets_its_own_connection(redis_client):
    # asyncio.run makes a new loop each time; a client left from a closed loop would fail here.
    for _ in range(3):
        asyncio.run(ratelimit.check_async("loops", "k", limit="100/minute", message="x"))
    assert ratelimit.used("loops", "k", limit="100/minute") == 3
