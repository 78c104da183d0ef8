"""User suspensions and restores (with their sessions and listings), and the user search."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import DateTime, delete, func, literal, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, select

from vibecoder.domain.accounts import auth
from vibecoder.domain.errors import Conflict, NotFound, ValidationFailed
from vibecoder.domain.moderation.admin.guards import (
    PAGE_SIZE,
    audit,
    clamp_page,
    clean_reason,
    id_sample,
    like_pattern,
    require_admin,
)
from vibecoder.models.catalog import Listing, ListingStatus
from vibecoder.models.moderation import (
    AuditAction,
    ListingHold,
)
from vibecoder.models.users import User, UserSession


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
    audit(
        session,
        actor=admin,
        action=AuditAction.user_suspended,
        target_type="user",
        target_id=user.id,
        reason=reason,
        details={
            "username": user.username,
            "sessions_revoked": int(active_sessions),
            **id_sample("listings_hidden", [int(row[0]) for row in hidden]),
        },
    )
    session.expire_all()
    fresh = session.get(User, user_id)
    assert fresh is not None  # locked and found above
    return fresh


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
    audit(
        session,
        actor=admin,
        action=AuditAction.user_restored,
        target_type="user",
        target_id=user.id,
        reason=reason,
        details={"username": user.username, **id_sample("listings_restored", restored)},
    )
    session.expire_all()
    fresh = session.get(User, user_id)
    assert fresh is not None  # locked and found above
    return fresh


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
        pattern = like_pattern(q.lower())
        where.append(or_(func.lower(User.email).like(pattern), User.username.like(pattern)))
    if filter == "suspended":
        where.append(User.is_suspended.is_(True))
    elif filter in ("buyer", "seller", "admin"):
        where.append(User.role == filter)
    elif filter != "all":
        raise ValidationFailed("invalid_filter", "Unknown user filter.", field="filter")
    total = session.exec(select(func.count()).select_from(User).where(*where)).one()
    page, pages = clamp_page(page, total)
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
