"""Moderation: listing reports, listings hidden by moderation, and the admin audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import json_field, timestamp_field


class ReportCategory(StrEnum):
    spam = "spam"
    malware = "malware"
    copyright = "copyright"
    misleading = "misleading"
    offensive = "offensive"
    other = "other"


REPORT_CATEGORIES = tuple(c.value for c in ReportCategory)


class ReportStatus(StrEnum):
    open = "open"
    resolved = "resolved"
    dismissed = "dismissed"


class ListingReport(SQLModel, table=True):
    """A user's complaint about a listing; at most one open report per user and listing."""

    __tablename__ = "listing_reports"
    __table_args__ = (
        sa.CheckConstraint(
            "category in (" + ",".join(f"'{c}'" for c in REPORT_CATEGORIES) + ")",
            name="ck_listing_reports_category",
        ),
        sa.CheckConstraint(
            "status in ('open','resolved','dismissed')", name="ck_listing_reports_status"
        ),
        # Two racing clicks on "Report" cannot file two open reports: the database decides.
        sa.Index(
            "uq_listing_reports_open",
            "listing_id",
            "reporter_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_listing_reports_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="CASCADE")
    reporter_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    category: str = Field(max_length=20)
    details: str = Field(default="", max_length=2000)
    status: str = Field(default=ReportStatus.open, max_length=16)
    resolution_note: str | None = Field(default=None, max_length=1000)
    resolved_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field()
    resolved_at: datetime | None = timestamp_field(nullable=True)


class ListingHold(SQLModel, table=True):
    """Why a listing is hidden (status taken_down) and the status it goes back to.

    Two independent causes: an admin took it down, or its seller is suspended. The listing
    comes back only when neither holds any more.
    """

    __tablename__ = "listing_holds"

    listing_id: int = Field(foreign_key="listings.id", primary_key=True, ondelete="CASCADE")
    prior_status: str = Field(max_length=16)
    taken_down: bool = Field(default=False)
    seller_suspended: bool = Field(default=False)
    reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class AuditAction(StrEnum):
    report_resolved = "report_resolved"
    report_dismissed = "report_dismissed"
    listing_taken_down = "listing_taken_down"
    listing_restored = "listing_restored"
    user_suspended = "user_suspended"
    user_restored = "user_restored"
    purchase_refunded = "purchase_refunded"


class AdminAuditEntry(SQLModel, table=True):
    """Who did what to which row, when and why. Append-only (a trigger refuses changes)."""

    __tablename__ = "admin_audit_log"
    __table_args__ = (
        sa.Index("ix_admin_audit_log_created", "created_at"),
        sa.Index("ix_admin_audit_log_target", "target_type", "target_id"),
    )

    id: int | None = Field(default=None, sa_type=sa.BigInteger, primary_key=True)
    actor_id: int = Field(foreign_key="users.id", index=True, ondelete="RESTRICT")
    action: str = Field(max_length=40)
    target_type: str = Field(max_length=20)
    target_id: int
    reason: str = Field(max_length=1000)
    details: dict = json_field(default_factory=dict)
    created_at: datetime = timestamp_field()
