"""One Redis client per process, from REDIS_URL."""

from __future__ import annotations

import functools
import os

import redis

from vibecoder.settings import get_settings


def redis_url() -> str:
    url = get_settings().redis_url or os.environ.get("REDIS_URL")
    if not url:
        raise RuntimeError(
            "REDIS_URL is not set. Start the embedded services with "
            "`python -m vibecoder services` or set REDIS_URL."
        )
    return url


@functools.lru_cache
def get_redis() -> redis.Redis:
    return redis.Redis.from_url(redis_url(), decode_responses=True, health_check_interval=30)
