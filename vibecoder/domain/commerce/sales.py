"""A seller's recent sales, for the sales page (refundable ones flagged)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, select

from vibecoder.domain.commerce.money import format_amount
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.users import User
from vibecoder.settings import get_settings


class SaleRow(BaseModel):
    purchase_id: int
    listing_title: str
    listing_slug: str
    buyer: str
    amount: str
    status: str
    date: str
    refundable: bool


def seller_sales(*, session: Session, seller: User, limit: int = 50) -> list[SaleRow]:
    window = timedelta(days=get_settings().refund_window_days)
    now = datetime.now(UTC)
    rows = session.exec(
        select(Purchase, Listing.title, Listing.slug, User.username)
        .join(Listing, Listing.id == Purchase.listing_id)
        .join(User, User.id == Purchase.buyer_id)
        .where(
            Listing.seller_id == seller.id,
            Purchase.status.in_(
                [PurchaseStatus.paid, PurchaseStatus.refunded, PurchaseStatus.disputed]
            ),
        )
        .order_by(Purchase.id.desc())
        .limit(min(max(limit, 1), 200))
    )
    return [
        SaleRow(
            purchase_id=p.id,
            listing_title=title,
            listing_slug=slug,
            buyer=username,
            amount=format_amount(p.amount_cents, p.currency) if p.amount_cents else "Free",
            status=p.status,
            date=(p.paid_at or p.created_at).strftime("%Y-%m-%d %H:%M"),
            refundable=p.status == PurchaseStatus.paid
            and p.amount_cents > 0
            and (p.paid_at or p.created_at) + window >= now,
        )
        for p, title, slug, username in rows
    ]
