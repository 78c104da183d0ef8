"""Platform metrics for the admin dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from vibecoder.domain.commerce.money import format_amount
from vibecoder.domain.moderation.admin.guards import (
    METRICS_WINDOW_DAYS,
    require_admin,
)
from vibecoder.models.catalog import Listing, ListingStatus, ListingVersion
from vibecoder.models.commerce import LedgerEntry, LedgerKind, Purchase, PurchaseStatus
from vibecoder.models.moderation import (
    ListingHold,
    ListingReport,
    ReportStatus,
)
from vibecoder.models.users import User


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
        col(LedgerEntry.created_at) >= since,
        col(LedgerEntry.created_at) <= now,
    )
    sellers_publishing = (
        select(Listing.seller_id)
        .join(ListingVersion, ListingVersion.listing_id == Listing.id)
        .where(col(ListingVersion.published_at) >= since, col(ListingVersion.published_at) <= now)
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
