"""Admin refunds (any window, with a reason) and the purchase search."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from vibecoder.domain.commerce import refunds
from vibecoder.domain.commerce.money import format_amount
from vibecoder.domain.moderation.admin.guards import (
    PAGE_SIZE,
    audit,
    clamp_page,
    clean_reason,
    format_date,
    like_pattern,
    require_admin,
)
from vibecoder.models.catalog import Listing
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.moderation import (
    AuditAction,
)
from vibecoder.models.users import User


def refund_purchase(
    *, session: Session, actor: User | None, purchase_id: int, reason: str
) -> Purchase:
    """Refund any paid order (past the sellers' refund window too) through the one refund path.

    refunds.refund_purchase books the ledger reversal and disables the licence; the audit
    row joins the same transaction. A gateway failure raises before anything is written.
    """
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    purchase = refunds.refund_purchase(
        session=session, actor=admin, purchase_id=purchase_id, admin_override_window=True
    )
    audit(
        session,
        actor=admin,
        action=AuditAction.purchase_refunded,
        target_type="purchase",
        target_id=purchase.id,
        reason=reason,
        details={
            "amount_cents": purchase.amount_cents,
            "currency": purchase.currency,
            "listing_id": purchase.listing_id,
            "buyer_id": purchase.buyer_id,
        },
    )
    return purchase


class AdminPurchaseRow(BaseModel):
    id: int
    listing_title: str
    listing_slug: str
    buyer: str
    buyer_email: str
    seller: str
    amount: str
    status: str
    date: str
    refundable: bool


def search_purchases(
    *, session: Session, actor: User, q: str = "", page: int = 1
) -> tuple[list[AdminPurchaseRow], int, int]:
    """Orders by number (#12), buyer email or username, or listing title/slug."""
    require_admin(session=session, actor=actor)
    buyer = User.__table__.alias("buyer")
    seller = User.__table__.alias("seller")
    where = [Purchase.status != PurchaseStatus.canceled]
    q = q.strip()[:200]
    if q.lstrip("#").isdigit():
        where.append(Purchase.id == int(q.lstrip("#")))
    elif q:
        pattern = like_pattern(q.lower())
        # Match the (few) users and listings first, then their orders by index: filtering the
        # joined orders row by row scans every purchase (bench/admin.py).
        buyers = select(User.id).where(
            or_(func.lower(User.email).like(pattern), User.username.like(pattern))
        )
        listings = select(Listing.id).where(
            or_(func.lower(Listing.title).like(pattern), Listing.slug.like(pattern))
        )
        # A union of two index lookups; an OR of the two would scan every purchase.
        where.append(
            Purchase.id.in_(
                sa_select(Purchase.id)
                .where(Purchase.buyer_id.in_(buyers))
                .union(sa_select(Purchase.id).where(Purchase.listing_id.in_(listings)))
            )
        )
    total = session.exec(select(func.count()).select_from(Purchase).where(*where)).one()
    page, pages = clamp_page(page, total)
    rows = session.exec(
        select(
            Purchase,
            Listing.title,
            Listing.slug,
            buyer.c.username,
            buyer.c.email,
            seller.c.username,
        )
        .join(Listing, Listing.id == Purchase.listing_id)
        .join(buyer, buyer.c.id == Purchase.buyer_id)
        .join(seller, seller.c.id == Listing.seller_id)
        .where(*where)
        .order_by(Purchase.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return (
        [
            AdminPurchaseRow(
                id=p.id,
                listing_title=title,
                listing_slug=slug,
                buyer=buyer_name,
                buyer_email=buyer_email,
                seller=seller_name,
                amount=format_amount(p.amount_cents, p.currency) if p.amount_cents else "Free",
                status=p.status,
                date=format_date(p.paid_at or p.created_at),
                refundable=p.status == PurchaseStatus.paid and p.amount_cents > 0,
            )
            for p, title, slug, buyer_name, buyer_email, seller_name in rows
        ],
        int(total),
        pages,
    )
