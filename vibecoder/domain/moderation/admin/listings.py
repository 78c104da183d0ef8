"""Listing takedowns and restores, and the admin's listing search."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlmodel import Session, select

from vibecoder.domain.accounts import notifications
from vibecoder.domain.commerce.money import format_price
from vibecoder.domain.errors import Conflict, NotFound, ValidationFailed
from vibecoder.domain.moderation.admin.guards import (
    PAGE_SIZE,
    audit,
    clamp_page,
    clean_reason,
    format_date,
    like_pattern,
    require_admin,
)
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.moderation import (
    AuditAction,
    ListingHold,
    ListingReport,
    ReportStatus,
)
from vibecoder.models.users import User


def _locked_listing(session: Session, listing_id: int) -> Listing:
    listing = session.exec(
        select(Listing).where(Listing.id == listing_id).with_for_update()
    ).first()
    if listing is None:
        raise NotFound("listing_not_found", "No such listing.")
    return listing


def take_down_listing(
    *, session: Session, actor: User | None, listing_id: int, reason: str
) -> Listing:
    """Hide a listing everywhere (browse, search, similar, profile); owners keep downloads.

    Open reports on it are resolved by the same action, with the same reason.
    """
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    listing = _locked_listing(session, listing_id)
    hold = session.get(ListingHold, listing.id)
    if hold is not None and hold.taken_down:
        raise Conflict("already_taken_down", f"“{listing.title}” is already taken down.")
    now = datetime.now(UTC)
    prior = hold.prior_status if hold is not None else listing.status
    if hold is None:
        hold = ListingHold(listing_id=listing.id, prior_status=listing.status)
    hold.taken_down = True
    hold.reason = reason
    hold.updated_at = now
    session.add(hold)
    listing.status = ListingStatus.taken_down
    listing.updated_at = now
    session.add(listing)
    reports = session.exec(
        select(ListingReport).where(
            ListingReport.listing_id == listing.id, ListingReport.status == ReportStatus.open
        )
    ).all()
    for report in reports:
        report.status = ReportStatus.resolved
        report.resolution_note = f"Listing taken down: {reason}"[:1000]
        report.resolved_by_id = admin.id
        report.resolved_at = now
        session.add(report)
    entry = audit(
        session,
        actor=admin,
        action=AuditAction.listing_taken_down,
        target_type="listing",
        target_id=listing.id,
        reason=reason,
        details={
            "slug": listing.slug,
            "title": listing.title,
            "prior_status": prior,
            "resolved_reports": [r.id for r in reports],
        },
    )
    notifications.notify(
        session=session,
        user_id=listing.seller_id,
        kind="moderation",
        title=f"Listing taken down: {listing.title}",
        body=f"An admin removed “{listing.title}” from the marketplace. Reason: {reason}",
        link="/sell",
        dedupe_key=f"takedown:{entry.id}",
    )
    return listing


def restore_listing(
    *, session: Session, actor: User | None, listing_id: int, reason: str
) -> Listing:
    """Undo a takedown; the listing returns to its earlier status unless its seller is suspended."""
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    listing = _locked_listing(session, listing_id)
    hold = session.get(ListingHold, listing.id)
    if hold is None or not hold.taken_down:
        raise Conflict("not_taken_down", f"“{listing.title}” is not taken down.")
    now = datetime.now(UTC)
    if hold.seller_suspended:
        hold.taken_down = False
        hold.updated_at = now
        session.add(hold)
        outcome = "hidden until the seller is restored"
    else:
        listing.status = hold.prior_status
        listing.updated_at = now
        session.add(listing)
        session.delete(hold)
        outcome = hold.prior_status
    audit(
        session,
        actor=admin,
        action=AuditAction.listing_restored,
        target_type="listing",
        target_id=listing.id,
        reason=reason,
        details={"slug": listing.slug, "title": listing.title, "restored_to": outcome},
    )
    session.flush()
    return listing


class AdminListingRow(BaseModel):
    id: int
    slug: str
    title: str
    seller: str
    status: str
    taken_down: bool
    hold_reason: str
    price_label: str
    sales_count: int
    open_reports: int
    created: str


def search_listings(
    *, session: Session, actor: User, q: str = "", status: str = "any", page: int = 1
) -> tuple[list[AdminListingRow], int, int]:
    require_admin(session=session, actor=actor)
    where = []
    q = q.strip()[:200]
    if q:
        pattern = like_pattern(q.lower())
        where.append(
            or_(
                func.lower(Listing.title).like(pattern),
                Listing.slug.like(pattern),
                User.username.like(pattern),
            )
        )
    if status != "any":
        if status not in tuple(ListingStatus):
            raise ValidationFailed("invalid_status", "Unknown listing status.", field="status")
        where.append(Listing.status == status)
    total = session.exec(
        select(func.count())
        .select_from(Listing)
        .join(User, User.id == Listing.seller_id)
        .where(*where)
    ).one()
    page, pages = clamp_page(page, total)
    open_reports = (
        select(func.count())
        .select_from(ListingReport)
        .where(ListingReport.listing_id == Listing.id, ListingReport.status == ReportStatus.open)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Listing, User.username, ListingHold, open_reports)
        .join(User, User.id == Listing.seller_id)
        .join(ListingHold, ListingHold.listing_id == Listing.id, isouter=True)
        .where(*where)
        .order_by(Listing.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return (
        [
            AdminListingRow(
                id=listing.id,
                slug=listing.slug,
                title=listing.title,
                seller=username,
                status=listing.status,
                taken_down=bool(hold and hold.taken_down),
                hold_reason=(hold.reason or "") if hold else "",
                price_label=format_price(
                    listing.price_cents, listing.currency, listing.pricing_model
                ),
                sales_count=listing.sales_count,
                open_reports=int(reports or 0),
                created=format_date(listing.created_at),
            )
            for listing, username, hold, reports in rows
        ],
        int(total),
        pages,
    )
