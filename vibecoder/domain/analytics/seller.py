"""The seller dashboard's numbers: cards, series, funnel, top listings, sources, listings table.

Every query reads the shared event set of `scope` (rollups for closed local days plus raw
events for the rest). Revenue is net: purchases and subscription renewals minus refunds, in the
seller's main currency (the one most of their listings are priced in). SQL here is composed only
from constant fragments of this module and `scope`; every value is a bound parameter.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from vibecoder.domain.analytics.rollup import (
    local_midnight,
    local_today,
)
from vibecoder.domain.analytics.scope import (
    SUMS,
    DateRange,
    Scope,
    events_sql,
    resolve_range,
    scope_for,
    sources_sql,
)
from vibecoder.domain.commerce.money import format_amount, format_price
from vibecoder.errors import ValidationFailed
from vibecoder.models.users import User

LISTINGS_PAGE_SIZE = 10
TOP_LISTINGS = 5
TOP_SOURCES = 8
SORTS = {
    "title": "l.title",
    "status": "l.status",
    "price": "l.price_cents",
    "views": "views",
    "runs": "runs",
    "sales": "sales",
    "revenue": "revenue",
    "conversion": "conversion",
    "rating": "l.rating_avg",
}


# --- overview cards ----------------------------------------------------------------------------


class Card(BaseModel):
    key: str
    label: str
    value: str
    previous: str
    change: str  # "+12%", "−3%", "new", "—"
    trend: str  # up, down, flat
    raw: float
    previous_raw: float


class Totals(BaseModel):
    views: int = 0
    runs: int = 0
    checkouts: int = 0
    sales: int = 0
    refunds: int = 0
    renewals: int = 0
    reviews: int = 0
    # Sales of other sellers' listings remixed from this seller's (no revenue of their own).
    remixes: int = 0
    variations: int = 0  # variations previewed (issue 20)
    variation_sales: int = 0  # variations a purchase unlocked
    revenue: int = 0
    refunded: int = 0
    rating: float = 0.0
    rating_count: int = 0

    @property
    def conversion(self) -> float:
        return self.sales / self.views * 100 if self.views else 0.0


def _change(now: float, before: float) -> tuple[str, str]:
    if now == before:
        return ("0%" if before else "—"), "flat"
    if before == 0:
        return "new", "up" if now > 0 else "down"
    pct = (now - before) / abs(before) * 100
    return f"{'+' if pct > 0 else '−'}{abs(pct):.0f}%", "up" if pct > 0 else "down"


def _ratings(session: Session, scope: Scope, rng: DateRange) -> tuple[float, int]:
    listing = " and r.listing_id = :l" if scope.listing_id is not None else ""
    avg, count = session.execute(
        text(
            f"""
            select coalesce(avg(r.rating), 0), count(*)
            from reviews r join listings l on l.id = r.listing_id
            where l.seller_id = :s and r.created_at >= :t0 and r.created_at < :t1{listing}
            """  # noqa: S608 - constant fragments only; values are bound
        ),
        {
            "s": scope.seller_id,
            "l": scope.listing_id,
            "t0": local_midnight(rng.start, scope.tz),
            "t1": local_midnight(rng.end + timedelta(days=1), scope.tz),
        },
    ).one()
    return round(float(avg), 2), int(count)


def totals(*, session: Session, scope: Scope, rng: DateRange) -> tuple[Totals, Totals]:
    """This period's and the previous period's totals, in one pass over both."""
    prev = rng.previous()
    sql, params = events_sql(session, scope, prev.start, rng.end)
    rows = session.execute(
        text(f"with u as ({sql}) select day >= :cut as current, {SUMS} from u group by 1"),  # noqa: S608
        {**params, "cut": rng.start},
    ).mappings()
    result = {True: Totals(), False: Totals()}
    for row in rows:
        result[bool(row["current"])] = Totals(
            **{k: int(v) for k, v in row.items() if k != "current"}
        )
    for which, period in ((True, rng), (False, prev)):
        result[which].rating, result[which].rating_count = _ratings(session, scope, period)
    return result[True], result[False]


def cards(current: Totals, previous: Totals, currency: str) -> list[Card]:
    def card(key: str, label: str, now: float, before: float, fmt) -> Card:
        change, trend = _change(now, before)
        return Card(
            key=key,
            label=label,
            value=fmt(now),
            previous=fmt(before),
            change=change,
            trend=trend,
            raw=now,
            previous_raw=before,
        )

    money = lambda v: format_amount(int(v), currency)  # noqa: E731
    count = lambda v: f"{int(v):,}"  # noqa: E731
    return [
        card("revenue", "Revenue (net)", current.revenue, previous.revenue, money),
        card("sales", "Sales", current.sales, previous.sales, count),
        card("views", "Views", current.views, previous.views, count),
        card("runs", "Sandbox runs", current.runs, previous.runs, count),
        card(
            "conversion",
            "Conversion",
            round(current.conversion, 2),
            round(previous.conversion, 2),
            lambda v: f"{v:.1f}%",
        ),
        card("refunds", "Refunds", current.refunds, previous.refunds, count),
        card("remixes", "Remixes sold", current.remixes, previous.remixes, count),
        card("variations", "Variations previewed", current.variations, previous.variations, count),
        card(
            "variation_sales",
            "Variations that led to a purchase",
            current.variation_sales,
            previous.variation_sales,
            count,
        ),
        card(
            "rating",
            "Average rating",
            current.rating,
            previous.rating,
            lambda v: f"{v:.2f} ★" if v else "—",
        ),
    ]


# --- series, funnel, top listings, sources -----------------------------------------------------


class SeriesPoint(BaseModel):
    label: str  # the bucket's first day, YYYY-MM-DD
    revenue: float  # in currency units, for the chart
    sales: int
    views: int


def series(
    *, session: Session, scope: Scope, rng: DateRange, bucket: str = "day"
) -> list[SeriesPoint]:
    """Net revenue, sales and views per local day (or per week starting Monday), gaps as zero."""
    if bucket not in ("day", "week"):
        raise ValidationFailed("invalid_bucket", "Choose daily or weekly buckets.")
    sql, params = events_sql(session, scope, rng.start, rng.end)
    found = {
        row["day"]: row
        for row in session.execute(
            text(f"with u as ({sql}) select day, {SUMS} from u group by day"),  # noqa: S608
            params,
        ).mappings()
    }
    points: dict[date, list[int]] = {}
    day = rng.start
    while day <= rng.end:
        key = day - timedelta(days=day.weekday()) if bucket == "week" else day
        acc = points.setdefault(key, [0, 0, 0])
        row = found.get(day)
        if row is not None:
            acc[0] += int(row["revenue"])
            acc[1] += int(row["sales"])
            acc[2] += int(row["views"])
        day += timedelta(days=1)
    return [
        SeriesPoint(label=key.isoformat(), revenue=rev / 100, sales=sales, views=views)
        for key, (rev, sales, views) in points.items()
    ]


class FunnelStep(BaseModel):
    stage: str
    count: int
    rate: str  # share of the step before


def funnel(current: Totals) -> list[FunnelStep]:
    steps = [
        ("Views", current.views),
        ("Sandbox runs", current.runs),
        ("Checkouts started", current.checkouts),
        ("Purchases", current.sales),
    ]
    result, before = [], None
    for stage, count in steps:
        result.append(FunnelStep(stage=stage, count=count, rate=_rate(count, before)))
        before = count
    # The remix branch beside the main path: previews as a share of views, then the previewed
    # variations a purchase unlocked as a share of the previews.
    result.append(
        FunnelStep(
            stage="Variations previewed",
            count=current.variations,
            rate=_rate(current.variations, current.views),
        )
    )
    result.append(
        FunnelStep(
            stage="Variations → purchase",
            count=current.variation_sales,
            rate=_rate(current.variation_sales, current.variations),
        )
    )
    return result


def _rate(count: int, before: int | None) -> str:
    """`count` as a share of `before` ("" for the first step, "—" when there is no base)."""
    if before is None:
        return ""
    return f"{count / before * 100:.0f}%" if before else "—"


class TopListing(BaseModel):
    slug: str
    title: str
    revenue: float
    revenue_label: str
    sales: int


def top_listings(*, session: Session, scope: Scope, rng: DateRange) -> list[TopListing]:
    sql, params = events_sql(session, scope, rng.start, rng.end)
    rows = session.execute(
        text(
            f"""
            with u as ({sql}),
            m as (select listing_id, {SUMS} from u group by listing_id)
            select l.slug, l.title, m.revenue, m.sales
            from m join listings l on l.id = m.listing_id
            where m.revenue <> 0 or m.sales > 0
            order by m.revenue desc, m.sales desc, l.id
            limit {TOP_LISTINGS}
            """  # noqa: S608 - constant fragments only; values are bound
        ),
        params,
    ).all()
    return [
        TopListing(
            slug=slug,
            title=title,
            revenue=int(revenue) / 100,
            revenue_label=format_amount(int(revenue), scope.currency),
            sales=int(sales),
        )
        for slug, title, revenue, sales in rows
    ]


class Source(BaseModel):
    name: str
    views: int


def traffic_sources(
    *, session: Session, scope: Scope, rng: DateRange
) -> tuple[list[Source], list[Source]]:
    """Views by referrer host and by utm_source; views without one are 'Direct' / '(none)'."""
    sql, params = sources_sql(session, scope, rng.start, rng.end)
    rows = session.execute(
        text(
            f"""
            with u as ({sql})
            select 'ref' as what, referrer_host as name, sum(views) as views
            from u group by referrer_host
            union all
            select 'utm', utm_source, sum(views) from u group by utm_source
            """  # noqa: S608 - constant fragments only; values are bound
        ),
        params,
    ).all()
    referrers = sorted(
        (Source(name=name or "Direct", views=int(v)) for what, name, v in rows if what == "ref"),
        key=lambda s: (-s.views, s.name),
    )
    utms = sorted(
        (Source(name=name or "(none)", views=int(v)) for what, name, v in rows if what == "utm"),
        key=lambda s: (-s.views, s.name),
    )
    return referrers[:TOP_SOURCES], utms[:TOP_SOURCES]


# --- listings table ----------------------------------------------------------------------------


class ListingRow(BaseModel):
    id: int
    slug: str
    title: str
    status: str
    price: str
    views: int
    runs: int
    sales: int
    revenue: str
    conversion: str
    rating: str
    latest_version: str
    verified: bool


def listings_table(
    *,
    session: Session,
    scope: Scope,
    rng: DateRange,
    sort: str = "revenue",
    descending: bool = True,
    page: int = 1,
) -> tuple[list[ListingRow], int]:
    """One page of the seller's listings with their numbers for the range; (rows, total)."""
    if sort not in SORTS:
        raise ValidationFailed("invalid_sort", "That column cannot be sorted.")
    page = max(1, int(page))
    sql, params = events_sql(session, scope, rng.start, rng.end)
    direction = "desc" if descending else "asc"
    only = " and l.id = :l" if scope.listing_id is not None else ""
    rows = session.execute(
        text(
            f"""
            with u as ({sql}),
            m as (select listing_id, {SUMS} from u group by listing_id)
            select l.id, l.slug, l.title, l.status, l.price_cents, l.currency, l.pricing_model,
                   l.rating_avg, l.rating_count,
                   coalesce(m.views, 0) as views, coalesce(m.runs, 0) as runs,
                   coalesce(m.sales, 0) as sales, coalesce(m.revenue, 0) as revenue,
                   case when coalesce(m.views, 0) > 0
                        then m.sales::float / m.views else 0 end as conversion,
                   v.version,
                   coalesce(t.tests_failed = 0 and t.tests_passed > 0, false) as verified,
                   count(*) over () as total
            from listings l
            left join m on m.listing_id = l.id
            left join listing_versions v on v.listing_id = l.id and v.is_latest
            left join lateral (
                select r.tests_failed, r.tests_passed from sandbox_runs r
                where r.listing_id = l.id and r.kind = 'test' and r.status = 'done'
                order by r.created_at desc limit 1
            ) t on true
            where l.seller_id = :s{only}
            order by {SORTS[sort]} {direction} nulls last, l.id
            limit {LISTINGS_PAGE_SIZE} offset :off
            """  # noqa: S608 - constant fragments only; values are bound
        ),
        {**params, "off": (page - 1) * LISTINGS_PAGE_SIZE},
    ).mappings()
    result, total = [], 0
    for row in rows:
        total = int(row["total"])
        result.append(
            ListingRow(
                id=row["id"],
                slug=row["slug"],
                title=row["title"],
                status=row["status"],
                price=format_price(row["price_cents"], row["currency"], row["pricing_model"]),
                views=int(row["views"]),
                runs=int(row["runs"]),
                sales=int(row["sales"]),
                revenue=format_amount(int(row["revenue"]), scope.currency),
                conversion=f"{float(row['conversion']) * 100:.1f}%",
                rating=f"{row['rating_avg']:.1f} ({row['rating_count']})"
                if row["rating_count"]
                else "—",
                latest_version=row["version"] or "—",
                verified=bool(row["verified"]),
            )
        )
    if not result and page > 1:
        total = int(
            session.execute(
                text(f"select count(*) from listings l where l.seller_id = :s{only}"),  # noqa: S608
                {"s": scope.seller_id, "l": scope.listing_id},
            ).scalar()
        )
    return result, total


# --- everything for one page load --------------------------------------------------------------


class Dashboard(BaseModel):
    start: str
    end: str
    timezone: str
    currency: str
    cards: list[Card]
    series: list[SeriesPoint]
    funnel: list[FunnelStep]
    top: list[TopListing]
    referrers: list[Source]
    utm_sources: list[Source]
    revenue_total: str
    sales_total: int


def dashboard(
    *,
    session: Session,
    seller: User,
    range_key: str = "30d",
    start: str | None = None,
    end: str | None = None,
    bucket: str = "day",
    listing_slug: str | None = None,
    now: datetime | None = None,
) -> Dashboard:
    scope = scope_for(session=session, seller=seller, listing_slug=listing_slug)
    rng = resolve_range(key=range_key, today=local_today(scope.tz, now), start=start, end=end)
    current, previous = totals(session=session, scope=scope, rng=rng)
    referrers, utms = traffic_sources(session=session, scope=scope, rng=rng)
    return Dashboard(
        start=rng.start.isoformat(),
        end=rng.end.isoformat(),
        timezone=scope.tz.key,
        currency=scope.currency,
        cards=cards(current, previous, scope.currency),
        series=series(session=session, scope=scope, rng=rng, bucket=bucket),
        funnel=funnel(current),
        top=top_listings(session=session, scope=scope, rng=rng),
        referrers=referrers,
        utm_sources=utms,
        revenue_total=format_amount(current.revenue, scope.currency),
        sales_total=current.sales,
    )


def dashboard_listings(
    *,
    session: Session,
    seller: User,
    range_key: str = "30d",
    start: str | None = None,
    end: str | None = None,
    listing_slug: str | None = None,
    sort: str = "revenue",
    descending: bool = True,
    page: int = 1,
    now: datetime | None = None,
) -> tuple[list[ListingRow], int]:
    """The listings table of the dashboard (or the one listing of a listing's page)."""
    scope = scope_for(session=session, seller=seller, listing_slug=listing_slug)
    rng = resolve_range(key=range_key, today=local_today(scope.tz, now), start=start, end=end)
    return listings_table(
        session=session, scope=scope, rng=rng, sort=sort, descending=descending, page=page
    )
