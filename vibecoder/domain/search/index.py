"""Keeping listing embeddings current: one listing at a time (Celery) or all of them (reindex).

Embedding is idempotent: the text a vector was computed from is fingerprinted
(`embedded_text_sha`), so a retried or duplicated task, or a re-index of an unchanged catalog,
costs a SELECT and no model call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.orm import undefer
from sqlmodel import Session, select

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.search import embeddings
from vibecoder.infra import dispatch
from vibecoder.infra.deferred import after_commit
from vibecoder.models.catalog import Listing, ListingStatus

_PENDING_KEY = "vibecoder_embedding_requests"


def listing_document(*, session: Session, listing: Listing) -> str:
    version = catalog.latest_version(session=session, listing_id=listing.id)
    file_names = (
        [f.path for f in catalog.files_of(session=session, version_id=version.id)]
        if version
        else []
    )
    return embeddings.listing_text(
        title=listing.title,
        summary=listing.summary,
        description=listing.description,
        category=listing.category,
        technologies=catalog.technologies_of(session=session, listing_id=listing.id),
        file_names=file_names,
    )


def _store(session: Session, listing_id: int, vector: list[float], sha: str) -> None:
    # A plain UPDATE: recomputing a vector is not an edit, so updated_at stays as it was.
    session.exec(
        update(Listing)
        .where(Listing.id == listing_id)
        .values(embedding=vector, embedded_text_sha=sha)
    )


def embed_listing(*, session: Session, listing_id: int, force: bool = False) -> str:
    """Compute the listing's embedding if its text changed: "embedded", "unchanged" or "missing"."""
    listing = session.get(Listing, listing_id, options=[undefer(Listing.embedding)])
    if listing is None:
        return "missing"
    text = listing_document(session=session, listing=listing)
    sha = embeddings.text_sha(text)
    if not force and listing.embedding is not None and listing.embedded_text_sha == sha:
        return "unchanged"
    [vector] = embeddings.encode([text])
    _store(session, listing_id, vector, sha)
    return "embedded"


def request_embedding(*, session: Session, listing_id: int) -> None:
    """Queue the listing for (re)embedding once this transaction commits; once per transaction."""
    pending: set[int] = session.info.setdefault(_PENDING_KEY, set())
    if listing_id in pending:
        return
    pending.add(listing_id)

    def enqueue() -> None:
        pending.discard(listing_id)
        dispatch.send("workers.embeddings.embed_listing", listing_id)

    after_commit(session, enqueue)


@dataclass
class ReindexSummary:
    total: int = 0
    embedded: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"total": self.total, "embedded": self.embedded, "unchanged": self.unchanged}


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reindex(
    *,
    session_factory: Callable[[], object],
    force: bool = False,
    batch_size: int = 64,
    progress: Callable[[ReindexSummary], None] | None = None,
) -> ReindexSummary:
    """Embed every listing whose text changed, in batches (one model call and commit per batch).

    Every status is indexed, not only published ones: a listing that goes live later is searchable
    at once, and archived ones keep a vector for their buyers' "similar" suggestions.
    """
    with session_factory() as session:
        ids = list(session.exec(select(Listing.id).order_by(Listing.id)))
    summary = ReindexSummary(total=len(ids))
    for batch in _batches(ids, batch_size):
        with session_factory() as session:
            todo: list[tuple[int, str, str]] = []
            query = select(Listing).where(Listing.id.in_(batch)).options(undefer(Listing.embedding))
            for listing in session.exec(query):
                text = listing_document(session=session, listing=listing)
                sha = embeddings.text_sha(text)
                if force or listing.embedding is None or listing.embedded_text_sha != sha:
                    todo.append((listing.id, text, sha))
            vectors = embeddings.encode([text for _, text, _ in todo]) if todo else []
            for (listing_id, _, sha), vector in zip(todo, vectors, strict=True):
                _store(session, listing_id, vector, sha)
            session.commit()
        summary.embedded += len(todo)
        summary.unchanged += len(batch) - len(todo)
        if progress:
            progress(summary)
    return summary


def missing_embeddings(*, session: Session) -> int:
    """Published listings without a vector yet (they are found by keyword only until embedded)."""
    return session.exec(
        select(func.count())
        .select_from(Listing)
        .where(Listing.status == ListingStatus.published, Listing.embedding.is_(None))
    ).one()
