"""The builder's per-user daily token quota: spent tokens count across runs; past it, no run."""

from __future__ import annotations

import pytest

from tests.fakes.commerce import configured, make_user
from vibecoder.builder import engine
from vibecoder.builder.service import runs
from vibecoder.builder.service.projects import create_project
from vibecoder.domain.errors import RateLimited


def test_a_spent_daily_quota_refuses_new_runs(db, redis_client):
    owner = make_user(db, "builder@example.com")
    other = make_user(db, "other@example.com")
    project = create_project(session=db, owner_id=owner.id, name="Shop", provider="scripted")
    db.commit()
    with configured(VIBECODER_BUILDER_DAILY_TOKENS_PER_USER="1000"):
        assert engine.daily_tokens_left(owner.id) == 1000
        engine.spend_daily_tokens(owner.id, 600)
        assert engine.daily_tokens_left(owner.id) == 400
        engine.spend_daily_tokens(owner.id, 900)  # a call that ran past the end still counts
        assert engine.daily_tokens_left(owner.id) == 0
        with pytest.raises(RateLimited) as refused:
            runs.start_run(owner_id=owner.id, public_id=project.public_id, prompt="A landing page")
        assert refused.value.code == "builder_quota"
        # Another account's quota is its own.
        assert engine.daily_tokens_left(other.id) == 1000
