"""Listing variations seen from the catalog and the till: the seller's switch, unlocking on
purchase, the analytics events, and the cleanup of variations nobody bought.

A variation's code is a builder project owned by the hidden variations account
(vibecoder/builder/service/variations.py makes and runs them). What this module does needs no
builder code, so checkout's fulfilment (`commerce.purchases.mark_paid`) can call it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import delete, update
from sqlmodel import Session, select

from vibecoder.domain import dates
from vibecoder.domain.catalog.listings import get_own_listing
from vibecoder.models.analytics import AnalyticsEvent
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.models.catalog import Listing
from vibecoder.models.users import User
from vibecoder.models.variations import ListingVariation


def set_variations_enabled(
    *, session: Session, seller: User, listing_id: int, enabled: bool
) -> bool:
    """The seller's switch in the listing editor; the server refuses new variations when off.

    Another seller's listing is "not found" (catalog.get_own_listing's rule).
    """
    listing = get_own_listing(session=session, seller=seller, listing_id=listing_id)
    listing.variations_enabled = bool(enabled)
    session.add(listing)
    session.flush()
    return listing.variations_enabled


def record_preview(*, session: Session, listing: Listing, user_id: int) -> None:
    """One "variation previewed" event for the seller's dashboard."""
    session.add(
        AnalyticsEvent(
            kind="variation_preview",
            listing_id=listing.id,
            seller_id=listing.seller_id,
            user_id=user_id,
        )
    )


def unlock_for_purchase(
    *, session: Session, buyer_id: int, listing: Listing, purchase_id: int, now: datetime
) -> int:
    """A paid purchase unlocks the buyer's kept variations of the listing; returns how many.

    Called from fulfilment under the purchase's row lock, so a replayed webhook finds them
    unlocked already and counts nothing twice. Each one counts as a variation that led to a
    purchase.
    """
    unlocked = session.exec(
        update(ListingVariation)
        .where(
            ListingVariation.user_id == buyer_id,
            ListingVariation.listing_id == listing.id,
            ListingVariation.unlocked_at.is_(None),
            ListingVariation.expires_at > now,
        )
        .values(unlocked_at=now, purchase_id=purchase_id)
        .returning(ListingVariation.id)
    ).all()
    for _ in unlocked:
        session.add(
            AnalyticsEvent(
                kind="variation_purchase",
                listing_id=listing.id,
                seller_id=listing.seller_id,
                user_id=buyer_id,
                created_at=now,
            )
        )
    return len(unlocked)


def purge_expired(*, session: Session, now: datetime | None = None) -> int:
    """Delete the locked variations past their retention (and their hidden builder projects).

    Idempotent: a second run finds nothing; unlocked variations are never touched. The
    project's rows go with it (messages, versions); its blobs are content-addressed and may be
    shared, so they stay in the store.
    """
    now = now or datetime.now(UTC)
    project_ids = list(
        session.exec(
            select(ListingVariation.project_id).where(
                ListingVariation.unlocked_at.is_(None), ListingVariation.expires_at <= now
            )
        ).all()
    )
    if not project_ids:
        return 0
    # The variation rows cascade with their project.
    session.exec(delete(BuilderProject).where(BuilderProject.id.in_(project_ids)))
    return len(project_ids)


class LibraryVariation(BaseModel):
    """An unlocked variation as the buyer's library lists it, next to the original."""

    public_id: str
    prompt: str
    created: str
    ready: bool  # the run produced a page (a failed run leaves only the original)


def library_variations(
    *, session: Session, user_id: int, listing_ids: list[int], tz: ZoneInfo
) -> dict[int, list[LibraryVariation]]:
    """The buyer's unlocked variations of these listings, per listing, oldest first."""
    if not listing_ids:
        return {}
    rows = session.exec(
        select(ListingVariation, BuilderVersion.number)
        .join(BuilderProject, BuilderProject.id == ListingVariation.project_id)
        .join(BuilderVersion, BuilderVersion.id == BuilderProject.current_version_id, isouter=True)
        .where(
            ListingVariation.user_id == user_id,
            ListingVariation.listing_id.in_(listing_ids),
            ListingVariation.unlocked_at.is_not(None),
        )
        .order_by(ListingVariation.id)
    ).all()
    result: dict[int, list[LibraryVariation]] = {}
    for variation, number in rows:
        original = variation.original_number
        result.setdefault(variation.listing_id, []).append(
            LibraryVariation(
                public_id=variation.public_id,
                prompt=variation.prompt,
                created=dates.local(variation.created_at, tz),
                ready=original is not None and (number or 0) > original,
            )
        )
    return result
