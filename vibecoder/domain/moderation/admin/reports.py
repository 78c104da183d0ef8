"""The reports queue: list reports, resolve or dismiss them."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select

from vibecoder.domain.errors import Conflict, NotFound, ValidationFailed
from vibecoder.domain.moderation.admin.guards import (
    PAGE_SIZE,
    audit,
    clamp_page,
    clean_reason,
    format_date,
    require_admin,
)
from vibecoder.domain.moderation.reports import CATEGORY_LABELS
from vibecoder.models.catalog import Listing
from vibecoder.models.moderation import (
    AuditAction,
    ListingReport,
    ReportStatus,
)
from vibecoder.models.users import User


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
    page, pages = clamp_page(page, total)
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
                created=format_date(r.created_at),
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
    audit(
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
