"""Showing a moment to a person: in their own time zone, the one their dashboard counts days in.

Timestamps are stored as UTC (timestamptz). Every page that prints one goes through `local`
with the viewer's zone (`zone_of`, from Profile.timezone; UTC when unset), so a sale at 23:30
in Berlin is listed on the day the seller's dashboard counts it, not on UTC's day.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from vibecoder.models.users import Profile

DATE = "%Y-%m-%d"
MINUTE = "%Y-%m-%d %H:%M"
SECOND = "%Y-%m-%d %H:%M:%S"
MONTH = "%B %Y"
SHORT = "%b %d, %H:%M"


def zone(name: str | None) -> ZoneInfo:
    """A zone by name; a name the tz database does not know (any more) reads as UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_of(session: Session, user_id: int | None) -> ZoneInfo:
    """The user's zone (their profile's), UTC for nobody or an unset one."""
    profile = session.get(Profile, user_id) if user_id else None
    return zone(profile.timezone if profile else None)


def local(
    value: datetime | None, tz: ZoneInfo | None = None, fmt: str = MINUTE, *, empty=""
) -> str:
    """`value` as the wall-clock time in `tz` (UTC when None); `empty` when there is no value."""
    if value is None:
        return empty
    if value.tzinfo is None:  # a naive value is UTC (how the database hands them back)
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz or UTC).strftime(fmt)
