"""The audit log, newest first, with a one-line summary of each entry's details."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select

from vibecoder.domain.errors import ValidationFailed
from vibecoder.domain.moderation.admin.guards import (
    PAGE_SIZE,
    clamp_page,
    require_admin,
)
from vibecoder.models.moderation import (
    AdminAuditEntry,
    AuditAction,
)
from vibecoder.models.users import User


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
    page, pages = clamp_page(page, total)
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
