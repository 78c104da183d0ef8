"""Who may buy a listing and whether a purchase grants access now."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from vibecoder.domain.errors import Conflict, NotFound, PermissionDenied
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.users import User


def grants_access(purchase: Purchase, now: datetime | None = None) -> bool:
    """Paid, and for subscriptions not past the end of the paid period."""
    if purchase.status != PurchaseStatus.paid:
        return False
    if purchase.current_period_end is not None:
        return purchase.current_period_end > (now or datetime.now(UTC))
    return True


def owned_purchase(
    *, session: Session, buyer_id: int, listing_id: int, now: datetime | None = None
) -> Purchase | None:
    rows = session.exec(
        select(Purchase)
        .where(
            Purchase.buyer_id == buyer_id,
            Purchase.listing_id == listing_id,
            Purchase.status == PurchaseStatus.paid,
        )
        .order_by(Purchase.id.desc())
    )
    return next((p for p in rows if grants_access(p, now)), None)


def buyable(session: Session, buyer: User, listing_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != ListingStatus.published:
        raise NotFound("listing_not_found", "This listing is not for sale.")
    if listing.seller_id == buyer.id:
        raise Conflict("own_listing", "This is your own listing.")
    if buyer.is_suspended:
        raise PermissionDenied("account_suspended", "This account is suspended.")
    return listing


def lock_purchase(session: Session, purchase_id: int) -> Purchase | None:
    return session.exec(
        select(Purchase).where(Purchase.id == purchase_id).with_for_update()
    ).first()
