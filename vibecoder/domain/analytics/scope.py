"""The seller dashboard's shared event set: date ranges, the seller's scope, and the SQL every
dashboard query reads.

Every query reads the same event set: rollup rows (analytics_daily) for the seller's closed
local days, unioned with raw analytics_events for the days the rollups do not cover yet (the
open day, or everything when the seller's timezone changed and the rebuild has not run).
Days are the seller's local days. SQL here is composed only from constant fragments of this
module; every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session, select

from vibecoder.domain.analytics.rollup import (
    REFERRER_HOST_PATTERN,
    local_midnight,
    seller_timezone,
    zone,
)
from vibecoder.errors import PermissionDenied, ValidationFailed
from vibecoder.models.analytics import AnalyticsRollupState
from vibecoder.models.catalog import Listing
from vibecoder.models.users import User

RANGES = {"7d": 7, "30d": 30, "90d": 90}
MAX_RANGE_DAYS = 366


# --- ranges ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> DateRange:
        return DateRange(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def resolve_range(
    *, key: str, today: date, start: str | date | None = None, end: str | date | None = None
) -> DateRange:
    """7d/30d/90d end today; custom takes ISO dates, at most a year, not past today."""
    if key in RANGES:
        return DateRange(today - timedelta(days=RANGES[key] - 1), today)
    if key != "custom":
        raise ValidationFailed("invalid_range", "Choose 7, 30 or 90 days, or a custom range.")
    try:
        first = start if isinstance(start, date) else date.fromisoformat(str(start or ""))
        last = end if isinstance(end, date) else date.fromisoformat(str(end or ""))
    except ValueError as exc:
        raise ValidationFailed(
            "invalid_range", "Enter both dates as YYYY-MM-DD.", field="start"
        ) from exc
    if first > last:
        raise ValidationFailed("invalid_range", "The start date is after the end date.")
    if last > today:
        raise ValidationFailed("invalid_range", "The range cannot end in the future.")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed("invalid_range", "Choose a range of at most 366 days.")
    return DateRange(first, last)


# --- the shared event set ----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    seller_id: int
    tz: ZoneInfo
    currency: str
    listing_id: int | None = None


def require_seller(user: User | None) -> User:
    if user is None or user.role not in ("seller", "admin"):
        raise PermissionDenied("not_a_seller", "The dashboard is for sellers. Start selling first.")
    return user


def scope_for(*, session: Session, seller: User, listing_slug: str | None = None) -> Scope:
    """The seller's scope, narrowed to one listing they own (anyone else's is refused)."""
    require_seller(seller)
    tz = zone(seller_timezone(session, seller.id))
    listing_id = None
    if listing_slug is not None:
        listing = session.exec(select(Listing).where(Listing.slug == listing_slug)).first()
        if listing is None or listing.seller_id != seller.id:
            raise PermissionDenied(
                "not_your_listing", "That listing is not one of yours, so it has no analytics here."
            )
        listing_id = listing.id
    currency = session.execute(
        text(
            "select currency from listings where seller_id = :s "
            "group by currency order by count(*) desc, currency limit 1"
        ),
        {"s": seller.id},
    ).scalar()
    return Scope(seller.id, tz, currency or "usd", listing_id)


def events_sql(session: Session, scope: Scope, first: date, last: date) -> tuple[str, dict]:
    """SQL for (day, listing_id, kind, currency, events, amount_cents) over [first, last]."""
    end = last + timedelta(days=1)
    state = session.get(AnalyticsRollupState, scope.seller_id)
    closed = state.closed_before if state and state.timezone == scope.tz.key else first
    split = min(max(closed, first), end)
    listing = " and listing_id = :l" if scope.listing_id is not None else ""
    sql = f"""
        select day, listing_id, kind, currency, events, amount_cents
        from analytics_daily
        where seller_id = :s and day >= :d0 and day < :split{listing}
        union all
        select (created_at at time zone :tz)::date, listing_id, kind, currency,
               count(*), coalesce(sum(amount_cents), 0)
        from analytics_events
        where seller_id = :s and listing_id is not null
          and created_at >= :t0 and created_at < :t1{listing}
        group by 1, 2, 3, 4
    """  # noqa: S608 - constant fragments only; values are bound
    params = {
        "s": scope.seller_id,
        "l": scope.listing_id,
        "d0": first,
        "split": split,
        "tz": scope.tz.key,
        "t0": local_midnight(split, scope.tz),
        "t1": local_midnight(end, scope.tz),
        "cur": scope.currency,
    }
    return sql, params


def sources_sql(session: Session, scope: Scope, first: date, last: date) -> tuple[str, dict]:
    end = last + timedelta(days=1)
    state = session.get(AnalyticsRollupState, scope.seller_id)
    closed = state.closed_before if state and state.timezone == scope.tz.key else first
    split = min(max(closed, first), end)
    listing = " and listing_id = :l" if scope.listing_id is not None else ""
    sql = f"""
        select referrer_host, utm_source, views
        from analytics_daily_sources
        where seller_id = :s and day >= :d0 and day < :split{listing}
        union all
        select left(coalesce(lower(substring(referrer from :host)), ''), 255),
               left(coalesce(lower(utm_source), ''), 100), count(*)
        from analytics_events
        where seller_id = :s and listing_id is not null and kind = 'view'
          and created_at >= :t0 and created_at < :t1{listing}
        group by 1, 2
    """  # noqa: S608 - constant fragments only; values are bound
    params = {
        "s": scope.seller_id,
        "l": scope.listing_id,
        "d0": first,
        "split": split,
        "t0": local_midnight(split, scope.tz),
        "t1": local_midnight(end, scope.tz),
        "host": REFERRER_HOST_PATTERN,
    }
    return sql, params


# Per-kind sums over the union `u`; revenue is net of refunds, in the scope's currency.
SUMS = """
    coalesce(sum(events) filter (where kind = 'view'), 0) as views,
    coalesce(sum(events) filter (where kind = 'sandbox_run'), 0) as runs,
    coalesce(sum(events) filter (where kind = 'checkout_started'), 0) as checkouts,
    coalesce(sum(events) filter (where kind = 'purchase'), 0) as sales,
    coalesce(sum(events) filter (where kind = 'refund'), 0) as refunds,
    coalesce(sum(events) filter (where kind = 'review'), 0) as reviews,
    coalesce(sum(events) filter (where kind = 'renewal'), 0) as renewals,
    coalesce(sum(events) filter (where kind = 'remix_sale'), 0)
      - coalesce(sum(events) filter (where kind = 'remix_reversal'), 0) as remixes,
    coalesce(sum(events) filter (where kind = 'variation_preview'), 0) as variations,
    coalesce(sum(events) filter (where kind = 'variation_purchase'), 0) as variation_sales,
    coalesce(sum(amount_cents) filter (
        where kind in ('purchase', 'renewal') and currency = :cur), 0)
      - coalesce(sum(amount_cents) filter (where kind = 'refund' and currency = :cur), 0)
      as revenue,
    coalesce(sum(amount_cents) filter (where kind = 'refund' and currency = :cur), 0)
      as refunded
"""
