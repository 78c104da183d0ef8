"""Variations: a visitor's private, preview-only remake of a web listing (issue 20, part B).

The code lives in a builder project owned by the hidden variations account (never the visitor:
no builder route, zip or "Sell this" reaches it for them); this row says whose it is, which
listing version it was made from, until when it is kept and whether a purchase unlocked it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from vibecoder.models._base import timestamp_field


class ListingVariation(SQLModel, table=True):
    __tablename__ = "listing_variations"
    __table_args__ = (
        sa.UniqueConstraint("public_id", name="uq_listing_variations_public_id"),
        sa.Index("ix_listing_variations_user_listing", "user_id", "listing_id"),
        # The cleanup task looks for locked variations past their time.
        sa.Index("ix_listing_variations_expires_at", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Opaque id used in URLs, so variation ids are not enumerable.
    public_id: str = Field(max_length=32)
    listing_id: int = Field(foreign_key="listings.id", ondelete="CASCADE")
    version_id: int = Field(foreign_key="listing_versions.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    project_id: int = Field(foreign_key="builder_projects.id", ondelete="CASCADE")
    prompt: str = Field(max_length=4000)
    # preparing → (the builder run: run_id) → ready | failed
    status: str = Field(default="preparing", max_length=16)
    error: str | None = Field(default=None, max_length=2000)
    run_id: str | None = Field(default=None, max_length=64)
    original_number: int | None = Field(default=None)  # builder version of the listing as is
    created_at: datetime = timestamp_field()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    unlocked_at: datetime | None = timestamp_field(nullable=True)
    purchase_id: int | None = Field(default=None, foreign_key="purchases.id", ondelete="SET NULL")
