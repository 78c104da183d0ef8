"""Per-word typo tolerance: each unknown query word is replaced by the closest catalog word.

The vocabulary is every word of the published listings' titles, summaries, categories and tags
(a few thousand words for a large catalog), cached per process and rebuilt when the catalog
changes. A word is corrected within the typo budget search engines use (Meilisearch, Typesense):
one edit for 3-5 letters, two from 6, counting a swap of neighbours as one edit (optimal string
alignment), so "lnading pgae for cofee shp" reads "landing page for coffee shop".
"""

from __future__ import annotations

import re
import threading
from collections import Counter

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import extract
from sqlalchemy import func, text
from sqlmodel import Session, select

from vibecoder.models.catalog import Listing, ListingStatus, ListingTechnology, Technology

WORD = re.compile(r"[0-9a-z]+")
MIN_WORD = 3
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, dict[str, int]]] = {}


def _signature(session: Session) -> tuple:
    return tuple(
        session.exec(
            select(func.count(Listing.id), func.max(Listing.updated_at)).where(
                Listing.status == ListingStatus.published
            )
        ).one()
    )


def vocabulary(session: Session) -> dict[str, int]:
    """word -> how many listings use it (the more used of two equally close words wins)."""
    key = str(session.get_bind().url)
    signature = _signature(session)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == signature:
            return cached[1]
    counts: Counter[str] = Counter()
    rows = session.exec(
        select(Listing.title, Listing.summary, Listing.category).where(
            Listing.status == ListingStatus.published
        )
    )
    for title, summary, category in rows:
        counts.update(set(WORD.findall(f"{title} {summary} {category}".lower())))
    tags = session.exec(
        select(Technology.name, func.count())
        .join(ListingTechnology, ListingTechnology.technology_id == Technology.id)
        .group_by(Technology.name)
    )
    for name, used in tags:
        for word in WORD.findall(name.lower()):
            counts[word] += used
    words = {w: c for w, c in counts.items() if len(w) >= MIN_WORD and not w.isdigit()}
    with _lock:
        _cache[key] = (signature, words)
    return words


def budget(word: str) -> int:
    return 0 if len(word) < MIN_WORD else 1 if len(word) <= 5 else 2


_KNOWN_SQL = text(
    "SELECT numnode(plainto_tsquery('english', :term)) = 0 OR EXISTS ("
    " SELECT 1 FROM listings WHERE status = 'published'"
    " AND search_vector @@ plainto_tsquery('english', :term))"
)


def _known(session: Session, term: str, words: dict[str, int]) -> bool:
    """In the vocabulary, a stop word, or found by full text (descriptions are not in the
    vocabulary but are searched): then it is a real word, not a typo."""
    if term in words:
        return True
    return bool(session.exec(_KNOWN_SQL, params={"term": term}).one()[0])


def correct(session: Session, query: str) -> str | None:
    """The query with each unknown word replaced by its closest catalog word, or None when
    every word is known or nothing is close enough."""
    words = vocabulary(session)
    if not words:
        return None
    changed = False
    out: list[str] = []
    for term in WORD.findall(query.lower()):
        allowed = budget(term)
        if not allowed or term.isdigit() or _known(session, term, words):
            out.append(term)
            continue
        candidates = extract(term, list(words), scorer=OSA.distance, score_cutoff=allowed, limit=8)
        if not candidates:
            out.append(term)
            continue
        # Fewest edits first; among equals the likelier typo (Jaro-Winkler rewards swapped
        # neighbours and a shared start: "lnading" is "landing" more than "loading"), then
        # the word more listings use.
        best = min(
            candidates,
            key=lambda c: (c[1], -JaroWinkler.similarity(term, c[0]), -words[c[0]]),
        )[0]
        out.append(best)
        changed = True
    return " ".join(out) if changed else None
