"""Guards every admin action shares: the actor is an admin now, a reason is given, one audit row
per action; and the small paging/search helpers of the admin tables."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from vibecoder.domain.plain_text import require_plain_text
from vibecoder.errors import PermissionDenied, ValidationFailed
from vibecoder.models.moderation import (
    AdminAuditEntry,
    AuditAction,
)
from vibecoder.models.users import Role, User

PAGE_SIZE = 20
MIN_REASON = 3
MAX_REASON = 1000
METRICS_WINDOW_DAYS = 30


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
    require_plain_text(reason=reason or "", multiline={"reason"})
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


def audit(
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


def clamp_page(page: int, total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    pages = max((total + size - 1) // size, 1)
    return min(max(int(page), 1), pages), pages


def like_pattern(q: str) -> str:
    # Every admin search box goes through here: a NUL would reach the query as a 500.
    require_plain_text(search=q)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def id_sample(name: str, ids: list[int], limit: int = 100) -> dict:
    """A count and the first ids: audit details stay small for a seller with many listings."""
    return {name: len(ids), f"{name}_ids": sorted(ids)[:limit]}


def format_date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
