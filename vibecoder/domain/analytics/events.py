"""Analytics events: recorded off the request path, views deduplicated per visitor per day."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from vibecoder.infra import dispatch
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.catalog import Listing
from vibecoder.settings import get_settings


def visitor_hash(visitor: str, day: date) -> str:
    """A daily pseudonym: the same visitor hashes alike within a day and differently across days."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{day.isoformat()}:{visitor}".encode(), hashlib.sha256).hexdigest()


def record_view(
    *,
    session: Session,
    listing_id: int,
    visitor: str,
    referrer: str | None = None,
    utm_source: str | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> bool:
    """Count a view unless this visitor already viewed the listing today; True if counted."""
    at = at or datetime.now(UTC)
    listing = session.get(Listing, listing_id)
    if listing is None:
        return False
    day = at.date()
    inserted = session.exec(
        insert(AnalyticsEvent)
        .values(
            kind="view",
            listing_id=listing_id,
            seller_id=listing.seller_id,
            user_id=user_id,
            visitor_hash=visitor_hash(visitor, day),
            day=day,
            referrer=(referrer or None) and referrer[:500],
            utm_source=(utm_source or None) and utm_source[:100],
            created_at=at,
        )
        .on_conflict_do_nothing(
            index_elements=["listing_id", "visitor_hash", "day"],
            # Literal, not a bound parameter: once psycopg prepares the insert (after five runs
            # on a connection) Postgres plans it generically and cannot match `kind = $1` to
            # the partial unique index, so every later view failed.
            index_where=sa.text("kind = 'view'"),
        )
        .returning(AnalyticsEvent.id)
    ).first()
    if inserted is None:
        return False
    session.exec(
        update(Listing).where(Listing.id == listing_id).values(view_count=Listing.view_count + 1)
    )
    return True


def record_sandbox_run(
    *, session: Session, listing_id: int, user_id: int | None, at: datetime | None = None
) -> None:
    """Count a finished try-before-you-buy run for the listing's seller dashboard."""
    listing = session.get(Listing, listing_id)
    session.add(
        AnalyticsEvent(
            kind="sandbox_run",
            listing_id=listing_id,
            seller_id=listing.seller_id if listing else None,
            user_id=user_id,
            created_at=at or datetime.now(UTC),
        )
    )


def record_view_later(
    *,
    listing_id: int,
    visitor: str,
    referrer: str | None,
    utm_source: str | None,
    user_id: int | None,
) -> None:
    """Hand the view to a worker so the page never waits on the insert."""
    dispatch.send(
        "workers.analytics.record_view",
        listing_id=listing_id,
        visitor=visitor,
        referrer=referrer or None,
        utm_source=utm_source or None,
        user_id=user_id,
        at=datetime.now(UTC).isoformat(),
    )
