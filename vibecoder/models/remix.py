"""Remix lineage (migration 0020): where a forked builder project, and a listing sold from one,
came from.

Rows live beside the tables they describe rather than as columns on them, so listings and
builder projects stay as they were for everything that does not care about remixes.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from vibecoder.models._base import timestamp_field


class ProjectLineage(SQLModel, table=True):
    """A builder project opened from a listing ("Open in builder")."""

    __tablename__ = "builder_project_lineage"

    project_id: int = Field(foreign_key="builder_projects.id", primary_key=True, ondelete="CASCADE")
    # SET NULL: the project outlives a parent that is later deleted; its license stays recorded.
    parent_listing_id: int | None = Field(
        default=None, foreign_key="listings.id", index=True, ondelete="SET NULL"
    )
    parent_version_id: int | None = Field(
        default=None, foreign_key="listing_versions.id", ondelete="SET NULL"
    )
    # The parent's license when it was forked: what the forker was granted decides resale.
    license_type: str = Field(max_length=20)
    created_at: datetime = timestamp_field()


class ListingLineage(SQLModel, table=True):
    """A listing sold from a forked project: its parent listing and version."""

    __tablename__ = "listing_lineage"

    listing_id: int = Field(foreign_key="listings.id", primary_key=True, ondelete="CASCADE")
    parent_listing_id: int | None = Field(
        default=None, foreign_key="listings.id", index=True, ondelete="SET NULL"
    )
    parent_version_id: int | None = Field(
        default=None, foreign_key="listing_versions.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp_field()
