"""Listing embeddings on the `embeddings` queue. The task is idempotent (see search_index)."""

from __future__ import annotations

import os

from celery.signals import worker_process_init
from sqlalchemy.exc import OperationalError

from vibecoder.domain.search import embeddings
from vibecoder.domain.search.index import embed_listing
from vibecoder.infra.db import session_scope
from workers.celery_app import app


@app.task(
    name="workers.embeddings.embed_listing",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def embed_listing_task(listing_id: int) -> str:
    with session_scope() as session:
        return embed_listing(session=session, listing_id=listing_id)


@worker_process_init.connect
def _share_cores(**_kwargs) -> None:
    # Each prefork child loads its own model; N children x N torch threads would thrash 2 cores.
    concurrency = app.conf.worker_concurrency or os.cpu_count() or 1
    embeddings.threads = max(1, (os.cpu_count() or 1) // concurrency)
