"""What a listing page's Buy / Get button offers a viewer."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import access
from vibecoder.domain.commerce.money import format_price
from vibecoder.domain.errors import ServiceError
from vibecoder.models.catalog import PricingModel
from vibecoder.models.users import User


class Offer(BaseModel):
    listing_id: int = 0
    # "buy" | "get" | "owned" | "own_listing" | "unavailable"
    action: str = "unavailable"
    price_label: str = ""


def offer_for(*, session: Session, slug: str, viewer: User | None) -> Offer:
    """A listing the viewer cannot see offers nothing (listing_id 0), like a missing one."""
    try:
        listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
    except ServiceError:
        return Offer()
    offer = Offer(
        listing_id=listing.id,
        price_label=format_price(listing.price_cents, listing.currency, listing.pricing_model),
    )
    if listing.status != "published":
        return offer
    free = listing.pricing_model == PricingModel.free or listing.price_cents == 0
    if viewer is not None and viewer.id == listing.seller_id:
        offer.action = "own_listing"
    elif viewer is not None and access.owned_purchase(
        session=session, buyer_id=viewer.id, listing_id=listing.id
    ):
        offer.action = "owned"
    else:
        offer.action = "get" if free else "buy"
    return offer
