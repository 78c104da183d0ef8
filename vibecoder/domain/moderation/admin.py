"""The admin area: reports queue, takedowns, suspensions, refunds, metrics and the audit log.

Every function checks that the actor is (still) an admin itself; pages only decide what to
show. Every action needs a reason and writes exactly one audit row in the caller's transaction,
next to the change it describes, so the two are committed or rolled back together.
Validation happens before the first write: a refused action leaves nothing behind.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import DateTime, delete, func, literal, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from vibecoder.domain.accounts import auth, notifications
from vibecoder.domain.commerce import fulfilment
from vibecoder.domain.commerce.money import format_amount, format_price
from vibecoder.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vibecoder.domain.moderation.reports import CATEGORY_LABELS
from vibecoder.models.catalog import Listing, ListingStatus, ListingVersion
from vibecoder.models.commerce import LedgerEntry, LedgerKind, Purchase, PurchaseStatus
from vibecoder.models.moderation import (
    AdminAuditEntry,
    AuditAction,
    ListingHold,
    ListingReport,
    ReportStatus,
)
from vibecoder.models.users import Role, User, UserSession

PAGE_SIZE = 20
MIN_REASON = 3
MAX_REASON = 1000
METRICS_WINDOW_DAYS = 30


# --- guards ------------------------------------------------------------------------------------


def require_admin(*, session: Session, actor: User | None) -> User:
    """The actor as stored now: a demoted or suspended admin loses access at once."""
    fresh = None
    if actor is not None and actor.id:
        fresh = session.exec(
            select(User).where(User.id == actor.id).execution_options(populate_existing=True)
        ).first()
    if fresh is None or fresh.role != Role.admin or fresh.is_suspended:
        raise PermissionDenied("admin_only", "Only admins can do this.")
    return fresh


def clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON:
        raise ValidationFailed(
            "reason_required", "Give a reason (it goes into the audit log).", field="reason"
        )
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            "reason_too_long", f"Keep the reason under {MAX_REASON:,} characters.", field="reason"
        )
    return text


def _audit(
    session: Session,
    *,
    actor: User,
    action: AuditAction,
    target_type: str,
    target_id: int,
    reason: str,
    details: dict | None = None,
) -> AdminAuditEntry:
    entry = AdminAuditEntry(
        actor_id=actor.id,
        action=action.value,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


def _page(page: int, total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    pages = max((total + size - 1) // size, 1)
    return min(max(int(page), 1), pages), pages


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _id_sample(name: str, ids: list[int], limit: int = 100) -> dict:
    """A count and the first ids: audit details stay small for a seller with many listings."""
    return {name: len(ids), f"{name}_ids": sorted(ids)[:limit]}


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


# --- reports -----------------------------------------------------------------------------------


class ReportRow(BaseModel):
    id: int
    listing_id: int
    listing_title: str
    listing_slug: str
    listing_status: str
    reporter: str
    category: str
    category_label: str
    details: str
    status: str
    resolution_note: str
    created: str


def list_reports(
    *, session: Session, actor: User, status: str = "open", page: int = 1
) -> tuple[list[ReportRow], int, int]:
    """One page of reports with the given status (open: oldest first, as a queue)."""
    require_admin(session=session, actor=actor)
    if status not in ("open", "resolved", "dismissed", "all"):
        raise ValidationFailed("invalid_status", "Unknown report status.", field="status")
    where = [] if status == "all" else [ListingReport.status == status]
    total = session.exec(select(func.count()).select_from(ListingReport).where(*where)).one()
    page, pages = _page(page, total)
    order = ListingReport.id.asc() if status == "open" else ListingReport.id.desc()
    rows = session.exec(
        select(ListingReport, Listing.title, Listing.slug, Listing.status, User.username)
        .join(Listing, Listing.id == ListingReport.listing_id)
        .join(User, User.id == ListingReport.reporter_id)
        .where(*where)
        .order_by(order)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return (
        [
            ReportRow(
                id=r.id,
                listing_id=r.listing_id,
                listing_title=title,
                listing_slug=slug,
                listing_status=listing_status,
                reporter=username,
                category=r.category,
                category_label=CATEGORY_LABELS.get(r.category, r.category),
                details=r.details,
                status=r.status,
                resolution_note=r.resolution_note or "",
                created=_date(r.created_at),
            )
            for r, title, slug, listing_status, username in rows
        ],
        int(total),
        pages,
    )


def _close_report(
    session: Session, *, actor: User | None, report_id: int, reason: str, status: ReportStatus
) -> ListingReport:
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    report = session.exec(
        select(ListingReport).where(ListingReport.id == report_id).with_for_update()
    ).first()
    if report is None:
        raise NotFound("report_not_found", "No such report.")
    if report.status != ReportStatus.open:
        raise Conflict("report_closed", f"Report #{report.id} is already {report.status}.")
    report.status = status
    report.resolution_note = reason
    report.resolved_by_id = admin.id
    report.resolved_at = datetime.now(UTC)
    session.add(report)
    _audit(
        session,
        actor=admin,
        action=(
            AuditAction.report_resolved
            if status == ReportStatus.resolved
            else AuditAction.report_dismissed
        ),
        target_type="report",
        target_id=report.id,
        reason=reason,
        details={"listing_id": report.listing_id, "category": report.category},
    )
    return report


def resolve_report(
    *, session: Session, actor: User | None, report_id: int, reason: str
) -> ListingReport:
    return _close_report(
        session, actor=actor, report_id=report_id, reason=reason, status=ReportStatus.resolved
    )


def dismiss_report(
    *, session: Session, actor: User | None, report_id: int, reason: str
) -> ListingReport:
    return _close_report(
        session, actor=actor, report_id=report_id, reason=reason, status=ReportStatus.dismissed
    )


# --- listings ----------------------------------------------------------------------------------


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
    entry = _audit(
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
    _audit(
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
        pattern = _like(q.lower())
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
    page, pages = _page(page, total)
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
                created=_date(listing.created_at),
            )
            for listing, username, hold, reports in rows
        ],
        int(total),
        pages,
    )


# --- users -------------------------------------------------------------------------------------


def suspend_user(*, session: Session, actor: User | None, user_id: int, reason: str) -> User:
    """Block sign-in, end every session, and hide the user's published listings."""
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise NotFound("user_not_found", "No such user.")
    if user.id == admin.id:
        raise Conflict("cannot_suspend_self", "You cannot suspend your own account.")
    if user.is_suspended:
        raise Conflict("already_suspended", f"{user.username} is already suspended.")
    now = datetime.now(UTC)
    user.is_suspended = True
    user.suspended_reason = reason[:500]
    session.add(user)
    active_sessions = session.exec(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    ).one()
    auth.revoke_all_sessions(session=session, user=user)
    seller_listings = select(Listing.id).where(Listing.seller_id == user.id)
    # Lock them: a publish racing the suspension waits, then sees the listing hidden.
    session.exec(seller_listings.with_for_update()).all()
    # Taken-down listings stay down after a restore: mark their hold as suspended too.
    session.exec(
        update(ListingHold)
        .where(ListingHold.listing_id.in_(seller_listings))
        .values(seller_suspended=True, updated_at=now)
    )
    stamp = literal(now, DateTime(timezone=True))
    published = sa_select(
        Listing.id, Listing.status, literal(True), literal(False), stamp, stamp
    ).where(Listing.seller_id == user.id, Listing.status == ListingStatus.published)
    hidden = session.exec(
        insert(ListingHold)
        .from_select(
            [
                "listing_id",
                "prior_status",
                "seller_suspended",
                "taken_down",
                "created_at",
                "updated_at",
            ],
            published,
        )
        .returning(ListingHold.listing_id)
    ).all()
    session.exec(
        update(Listing)
        .where(Listing.seller_id == user.id, Listing.status == ListingStatus.published)
        .values(status=ListingStatus.taken_down, updated_at=now)
    )
    _audit(
        session,
        actor=admin,
        action=AuditAction.user_suspended,
        target_type="user",
        target_id=user.id,
        reason=reason,
        details={
            "username": user.username,
            "sessions_revoked": int(active_sessions),
            **_id_sample("listings_hidden", [int(row[0]) for row in hidden]),
        },
    )
    session.expire_all()
    return session.get(User, user_id)


def restore_user(*, session: Session, actor: User | None, user_id: int, reason: str) -> User:
    """Allow sign-in again and bring back listings that were hidden only by the suspension."""
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise NotFound("user_not_found", "No such user.")
    if not user.is_suspended:
        raise Conflict("not_suspended", f"{user.username} is not suspended.")
    user.is_suspended = False
    user.suspended_reason = None
    session.add(user)
    seller_listings = select(Listing.id).where(Listing.seller_id == user.id)
    only_suspension = (
        ListingHold.listing_id.in_(seller_listings),
        ListingHold.seller_suspended.is_(True),
        ListingHold.taken_down.is_(False),
    )
    holds = session.exec(select(ListingHold).where(*only_suspension)).all()
    for hold in holds:
        session.exec(
            update(Listing)
            .where(Listing.id == hold.listing_id)
            .values(status=hold.prior_status, updated_at=datetime.now(UTC))
        )
    restored = sorted(h.listing_id for h in holds)
    session.exec(delete(ListingHold).where(*only_suspension))
    session.exec(
        update(ListingHold)
        .where(ListingHold.listing_id.in_(seller_listings))
        .values(seller_suspended=False)
    )
    _audit(
        session,
        actor=admin,
        action=AuditAction.user_restored,
        target_type="user",
        target_id=user.id,
        reason=reason,
        details={"username": user.username, **_id_sample("listings_restored", restored)},
    )
    session.expire_all()
    return session.get(User, user_id)


class AdminUserRow(BaseModel):
    id: int
    username: str
    email: str
    role: str
    suspended: bool
    suspended_reason: str
    listings: int
    joined: str


def search_users(
    *, session: Session, actor: User, q: str = "", filter: str = "all", page: int = 1
) -> tuple[list[AdminUserRow], int, int]:
    require_admin(session=session, actor=actor)
    where = []
    q = q.strip()[:200]
    if q:
        pattern = _like(q.lower())
        where.append(or_(func.lower(User.email).like(pattern), User.username.like(pattern)))
    if filter == "suspended":
        where.append(User.is_suspended.is_(True))
    elif filter in ("buyer", "seller", "admin"):
        where.append(User.role == filter)
    elif filter != "all":
        raise ValidationFailed("invalid_filter", "Unknown user filter.", field="filter")
    total = session.exec(select(func.count()).select_from(User).where(*where)).one()
    page, pages = _page(page, total)
    listing_count = (
        select(func.count())
        .select_from(Listing)
        .where(Listing.seller_id == User.id)
        .scalar_subquery()
    )
    rows = session.exec(
        select(User, listing_count)
        .where(*where)
        .order_by(User.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return (
        [
            AdminUserRow(
                id=u.id,
                username=u.username,
                email=u.email,
                role=u.role,
                suspended=u.is_suspended,
                suspended_reason=u.suspended_reason or "",
                listings=int(count or 0),
                joined=u.created_at.strftime("%Y-%m-%d"),
            )
            for u, count in rows
        ],
        int(total),
        pages,
    )


# --- purchases ---------------------------------------------------------------------------------


def refund_purchase(
    *, session: Session, actor: User | None, purchase_id: int, reason: str
) -> Purchase:
    """Refund any paid order (past the sellers' refund window too) through the one refund path.

    fulfilment.refund_purchase books the ledger reversal and disables the licence; the audit
    row joins the same transaction. A gateway failure raises before anything is written.
    """
    admin = require_admin(session=session, actor=actor)
    reason = clean_reason(reason)
    purchase = fulfilment.refund_purchase(
        session=session, actor=admin, purchase_id=purchase_id, admin_override_window=True
    )
    _audit(
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
        pattern = _like(q.lower())
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
    page, pages = _page(page, total)
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
                date=_date(p.paid_at or p.created_at),
                refundable=p.status == PurchaseStatus.paid and p.amount_cents > 0,
            )
            for p, title, slug, buyer_name, buyer_email, seller_name in rows
        ],
        int(total),
        pages,
    )


# --- metrics -----------------------------------------------------------------------------------


class PlatformMetrics(BaseModel):
    window_days: int
    gmv: str
    fees: str
    refunds: str
    active_sellers: int
    published_listings: int
    buyers: int
    open_reports: int
    suspended_users: int
    taken_down_listings: int


def _money(by_currency: dict[str, int]) -> str:
    shown = [format_amount(cents, cur) for cur, cents in sorted(by_currency.items()) if cents]
    return " · ".join(shown) or format_amount(0, "usd")


def platform_metrics(
    *, session: Session, actor: User, now: datetime | None = None, days: int = METRICS_WINDOW_DAYS
) -> PlatformMetrics:
    """Money from the ledger over the last `days`; counts of the marketplace as it is now.

    GMV is gross sales (subscriptions: each paid invoice); fees are platform fees minus the
    fees returned on refunds and disputes; refunds are what buyers got back. An active seller
    made a sale or published a version in the window.
    """
    require_admin(session=session, actor=actor)
    now = now or datetime.now(UTC)
    since = now - timedelta(days=days)
    sums: dict[str, dict[str, int]] = {"gmv": {}, "fees": {}, "refunds": {}}
    for kind, currency, total in session.exec(
        select(LedgerEntry.kind, LedgerEntry.currency, func.sum(LedgerEntry.amount_cents))
        .where(
            LedgerEntry.created_at >= since,
            LedgerEntry.created_at <= now,
            LedgerEntry.kind.in_(
                [
                    LedgerKind.sale.value,
                    LedgerKind.platform_fee.value,
                    LedgerKind.fee_reversal.value,
                    LedgerKind.refund.value,
                ]
            ),
        )
        .group_by(LedgerEntry.kind, LedgerEntry.currency)
    ).all():
        total = int(total)
        if kind == LedgerKind.sale:
            sums["gmv"][currency] = sums["gmv"].get(currency, 0) + total
        elif kind in (LedgerKind.platform_fee, LedgerKind.fee_reversal):
            # Seller's point of view: fees are negative, returned fees positive.
            sums["fees"][currency] = sums["fees"].get(currency, 0) - total
        else:
            sums["refunds"][currency] = sums["refunds"].get(currency, 0) - total
    sellers_with_sales = select(LedgerEntry.seller_id).where(
        LedgerEntry.kind == LedgerKind.sale.value,
        LedgerEntry.created_at >= since,
        LedgerEntry.created_at <= now,
    )
    sellers_publishing = (
        select(Listing.seller_id)
        .join(ListingVersion, ListingVersion.listing_id == Listing.id)
        .where(ListingVersion.published_at >= since, ListingVersion.published_at <= now)
    )
    active = sellers_with_sales.union(sellers_publishing).subquery()
    active_sellers = session.exec(
        select(func.count())
        .select_from(active)
        .join(User, User.id == active.c.seller_id)
        .where(User.is_suspended.is_(False))
    ).one()

    def count(query) -> int:
        return int(session.exec(query).one())

    return PlatformMetrics(
        window_days=days,
        gmv=_money(sums["gmv"]),
        fees=_money(sums["fees"]),
        refunds=_money(sums["refunds"]),
        active_sellers=int(active_sellers),
        published_listings=count(
            select(func.count())
            .select_from(Listing)
            .where(Listing.status == ListingStatus.published)
        ),
        buyers=count(
            select(func.count(func.distinct(Purchase.buyer_id))).where(
                Purchase.status.in_(
                    [PurchaseStatus.paid, PurchaseStatus.refunded, PurchaseStatus.disputed]
                )
            )
        ),
        open_reports=count(
            select(func.count())
            .select_from(ListingReport)
            .where(ListingReport.status == ReportStatus.open)
        ),
        suspended_users=count(
            select(func.count()).select_from(User).where(User.is_suspended.is_(True))
        ),
        taken_down_listings=count(
            select(func.count()).select_from(ListingHold).where(ListingHold.taken_down.is_(True))
        ),
    )


# --- audit log ---------------------------------------------------------------------------------


class AuditRow(BaseModel):
    id: int
    date: str
    actor: str
    action: str
    target: str
    reason: str
    details: str


def _summary(details: dict) -> str:
    parts = []
    for key, value in details.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value[:10]) + ("…" if len(value) > 10 else "")
        parts.append(f"{key}: {value}")
    return "; ".join(parts)[:300]


def audit_log(
    *, session: Session, actor: User, action: str = "all", page: int = 1
) -> tuple[list[AuditRow], int, int]:
    require_admin(session=session, actor=actor)
    where = []
    if action != "all":
        if action not in tuple(AuditAction):
            raise ValidationFailed("invalid_action", "Unknown audit action.", field="action")
        where.append(AdminAuditEntry.action == action)
    total = session.exec(select(func.count()).select_from(AdminAuditEntry).where(*where)).one()
    page, pages = _page(page, total)
    rows = session.exec(
        select(AdminAuditEntry, User.username)
        .join(User, User.id == AdminAuditEntry.actor_id)
        .where(*where)
        .order_by(AdminAuditEntry.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return (
        [
            AuditRow(
                id=e.id,
                date=e.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                actor=username,
                action=e.action,
                target=f"{e.target_type} #{e.target_id}",
                reason=e.reason,
                details=_summary(e.details),
            )
            for e, username in rows
        ],
        int(total),
        pages,
    )
