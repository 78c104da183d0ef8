"""Daily analytics rollups in each seller's own timezone (docs/analytics.md).

A rollup row counts one listing's events of one kind and currency over one local day of the
seller. Rolling up is a pure recomputation: the days being (re)built are deleted and inserted
again from raw events inside one transaction, under a per-seller advisory lock, so running it
twice, concurrently or after a crash gives the same rows. Each run also rebuilds the last
LOOKBACK_DAYS closed days, which absorbs events written late (a view recorded by a worker a
few minutes after the page load, a purchase fulfilled after midnight).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import text
from sqlmodel import Session, select

from vibecoder.domain import dates
from vibecoder.domain.errors import ValidationFailed
from vibecoder.infra import dispatch
from vibecoder.models.analytics import AnalyticsRollupState
from vibecoder.models.users import Profile, User

LOOKBACK_DAYS = 2
LOCK_NAMESPACE = 74209  # pg_advisory_xact_lock(namespace, seller_id)
REFERRER_HOST_PATTERN = r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#]+)"


# The seller's zone; a name the tz database no longer knows falls back to UTC.
zone = dates.zone


def validate_timezone(name: str) -> str:
    name = (name or "").strip()
    try:
        if not name or len(name) > 64:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed(
            "invalid_timezone",
            "Choose a timezone from the list, such as Europe/Berlin or UTC.",
            field="timezone",
        ) from exc
    return name


def seller_timezone(session: Session, seller_id: int) -> str:
    profile = session.get(Profile, seller_id)
    return zone(profile.timezone if profile else "UTC").key


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day, in UTC (a midnight lost to DST maps to the switch)."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def local_today(tz: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(tz).date()


def set_timezone(*, session: Session, user: User, timezone: str) -> str:
    """Store the seller's timezone; their rollups are rebuilt in it after commit."""
    name = validate_timezone(timezone)
    profile = session.get(Profile, user.id)
    if profile is None:
        profile = Profile(user_id=user.id, display_name=user.username)
    elif profile.timezone == name:
        return name
    profile.timezone = name
    session.add(profile)
    session.flush()
    dispatch.send("workers.analytics.rollup_seller", user.id, session=session)
    return name


def _first_event_day(session: Session, seller_id: int, tz: ZoneInfo) -> date | None:
    first = session.execute(
        text("select min(created_at) from analytics_events where seller_id = :s"),
        {"s": seller_id},
    ).scalar()
    return first.astimezone(tz).date() if first else None


def rollup_seller(*, session: Session, seller_id: int, now: datetime | None = None) -> int:
    """Bring one seller's rollups up to their local today; returns the rollup rows written."""
    session.execute(
        text("select pg_advisory_xact_lock(:ns, :s)"), {"ns": LOCK_NAMESPACE, "s": seller_id}
    )
    tz_name = seller_timezone(session, seller_id)
    tz = zone(tz_name)
    today = local_today(tz, now)
    state = session.get(AnalyticsRollupState, seller_id)
    if state is None or state.timezone != tz_name:
        # First run, or the seller moved timezone: every day is rebuilt from raw events.
        session.execute(text("delete from analytics_daily where seller_id = :s"), {"s": seller_id})
        session.execute(
            text("delete from analytics_daily_sources where seller_id = :s"), {"s": seller_id}
        )
        start = _first_event_day(session, seller_id, tz) or today
    else:
        start = min(state.closed_before, today) - timedelta(days=LOOKBACK_DAYS)
    start = min(start, today)
    params = {
        "s": seller_id,
        "tz": tz_name,
        "d0": start,
        "d1": today,
        "t0": local_midnight(start, tz),
        "t1": local_midnight(today, tz),
        "host": REFERRER_HOST_PATTERN,
    }
    written = 0
    if start < today:
        session.execute(
            text("delete from analytics_daily where seller_id = :s and day >= :d0 and day < :d1"),
            params,
        )
        session.execute(
            text(
                "delete from analytics_daily_sources "
                "where seller_id = :s and day >= :d0 and day < :d1"
            ),
            params,
        )
        written += session.execute(
            text(
                """
                insert into analytics_daily
                    (seller_id, day, listing_id, kind, currency, events, amount_cents)
                select :s, (created_at at time zone :tz)::date, listing_id, kind, currency,
                       count(*), coalesce(sum(amount_cents), 0)
                from analytics_events
                where seller_id = :s and listing_id is not null
                  and created_at >= :t0 and created_at < :t1
                group by 2, 3, 4, 5
                """
            ),
            params,
        ).rowcount
        written += session.execute(
            text(
                """
                insert into analytics_daily_sources
                    (seller_id, day, listing_id, referrer_host, utm_source, views)
                select :s, (created_at at time zone :tz)::date, listing_id,
                       left(coalesce(lower(substring(referrer from :host)), ''), 255),
                       left(coalesce(lower(utm_source), ''), 100), count(*)
                from analytics_events
                where seller_id = :s and listing_id is not null and kind = 'view'
                  and created_at >= :t0 and created_at < :t1
                group by 2, 3, 4, 5
                """
            ),
            params,
        ).rowcount
    if state is None:
        state = AnalyticsRollupState(seller_id=seller_id, timezone=tz_name, closed_before=today)
    state.timezone, state.closed_before = tz_name, today
    state.updated_at = datetime.now(UTC)
    session.add(state)
    session.flush()
    return written


def sellers_to_roll_up(*, session: Session) -> list[int]:
    """Every seller: a quiet one costs two indexed queries, and none is ever skipped."""
    return list(
        session.exec(
            select(User.id).where(User.role.in_(("seller", "admin"))).order_by(User.id)
        ).all()
    )
