"""The shop window: listings, their versions and files, AI provenance, technologies, reviews."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import deferred
from sqlmodel import Field, SQLModel

from vibecoder.models._base import json_field, timestamp_field

EMBEDDING_DIMENSIONS = 384
# README and docs: what a paid listing shows in full until its seller marks other files.
DEFAULT_PREVIEW_FILES: list[str] = ["README*", "/docs/", "/doc/"]
# Full-text document of a listing: title outranks summary outranks description.
SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C')"
)


class ListingStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"
    taken_down = "taken_down"


class PricingModel(StrEnum):
    free = "free"
    one_time = "one_time"
    subscription_monthly = "subscription_monthly"
    subscription_yearly = "subscription_yearly"
    usage = "usage"


class LicenseType(StrEnum):
    personal = "personal"
    commercial = "commercial"
    extended = "extended"
    mit = "mit"
    apache_2_0 = "apache-2.0"


# The vector (384 floats) and the tsvector are only read by search's own SQL and the indexer:
# deferred, so every other load of a listing (the listing page, cards, checkout) skips them.
_EMBEDDING = sa.Column("embedding", Vector(EMBEDDING_DIMENSIONS), nullable=True)
_SEARCH_VECTOR = sa.Column(
    "search_vector", TSVECTOR, sa.Computed(SEARCH_DOCUMENT, persisted=True), nullable=True
)


class Listing(SQLModel, table=True):
    __tablename__ = "listings"
    __mapper_args__ = {
        "properties": {"embedding": deferred(_EMBEDDING), "search_vector": deferred(_SEARCH_VECTOR)}
    }
    __table_args__ = (
        sa.UniqueConstraint("slug", name="uq_listings_slug"),
        sa.CheckConstraint("price_cents >= 0", name="ck_listings_price_nonnegative"),
        sa.CheckConstraint(
            "status in ('draft','published','archived','taken_down')", name="ck_listings_status"
        ),
        sa.CheckConstraint(
            "pricing_model in "
            "('free','one_time','subscription_monthly','subscription_yearly','usage')",
            name="ck_listings_pricing_model",
        ),
        sa.Index("ix_listings_status_published_at", "status", "published_at"),
        sa.Index("ix_listings_category_status", "category", "status"),
        sa.Index(
            "ix_listings_search_vector",
            "search_vector",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},  # see migration 0005
        ),
        # Exact-title matches (search ranks them first) without a sequential scan.
        sa.Index("ix_listings_title_lower", sa.text("lower(title)")),
        # Typo-tolerant title matching (pg_trgm); created by migration 0004 when available.
        sa.Index(
            "ix_listings_title_trgm",
            sa.text("lower(title) gin_trgm_ops"),
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
        sa.Index(
            "ix_listings_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 32, "ef_construction": 200},  # migration 0005
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )

    # The seller's fields first: the column order the table was created with.
    title: str = Field(min_length=3, max_length=120)
    summary: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=50_000)
    category: str = Field(max_length=60)
    license_type: str = Field(default=LicenseType.personal, max_length=20)
    pricing_model: str = Field(default=PricingModel.one_time, max_length=24)
    price_cents: int = Field(default=0, ge=0)
    currency: str = Field(default="usd", min_length=3, max_length=3)
    id: int | None = Field(default=None, primary_key=True)
    seller_id: int = Field(foreign_key="users.id", index=True, ondelete="RESTRICT")
    slug: str = Field(max_length=80)
    status: str = Field(default=ListingStatus.draft, max_length=16)
    cover_image_sha: str | None = Field(default=None, max_length=64)
    rating_avg: float = Field(default=0.0)
    rating_count: int = Field(default=0)
    sales_count: int = Field(default=0)
    view_count: int = Field(default=0)
    embedding: list[float] | None = Field(default=None, sa_column=_EMBEDDING)
    # The text the embedding was computed from; re-embedding is skipped when it is unchanged.
    embedded_text_sha: str | None = Field(default=None, max_length=64)
    search_vector: str | None = Field(default=None, sa_column=_SEARCH_VECTOR)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    published_at: datetime | None = timestamp_field(nullable=True)
    # What "Run in sandbox" starts with (migration 0016): the seller's file, example arguments
    # (shell words) and example standard input.
    run_entry_point: str = Field(
        default="", max_length=300, sa_column_kwargs={"server_default": ""}
    )
    run_args: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    run_stdin: str = Field(default="", max_length=4000, sa_column_kwargs={"server_default": ""})
    # Covers (migration 0019): a card-size copy of the cover, and where the cover came from:
    # "seller" (uploaded; never replaced by an automatic one), "screenshot" (the latest
    # version's index.html rendered by the covers worker), "generated" (a title card).
    cover_card_sha: str | None = Field(default=None, max_length=64)
    cover_kind: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    # "Offer a live demo": web listings' index.html served on the preview origin.
    live_demo: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # The files a visitor who has not bought a paid listing reads in full (migration 0018):
    # gitignore-style patterns the seller marks; see domain/catalog/preview_files.py.
    preview_files: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PREVIEW_FILES),
        sa_type=JSONB,
        nullable=False,
        sa_column_kwargs={
            "server_default": sa.text(f"'{json.dumps(DEFAULT_PREVIEW_FILES)}'::jsonb")
        },
    )
    # The seller's switch for "Preview a variation" on a web listing (migration 0021).
    variations_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})


class Technology(SQLModel, table=True):
    __tablename__ = "technologies"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)


class ListingTechnology(SQLModel, table=True):
    __tablename__ = "listing_technologies"

    listing_id: int = Field(foreign_key="listings.id", primary_key=True, ondelete="CASCADE")
    technology_id: int = Field(
        foreign_key="technologies.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ListingVersion(SQLModel, table=True):
    __tablename__ = "listing_versions"
    __table_args__ = (
        sa.UniqueConstraint("listing_id", "version", name="uq_listing_versions_listing_version"),
        # At most one latest version per listing, enforced by the database.
        sa.Index(
            "uq_listing_versions_latest",
            "listing_id",
            unique=True,
            postgresql_where=sa.text("is_latest"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="CASCADE")
    version: str = Field(max_length=64)
    changelog: str = Field(default="", max_length=20_000)
    is_latest: bool = Field(default=False)
    is_published: bool = Field(default=False)
    published_at: datetime | None = timestamp_field(nullable=True)
    published_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = timestamp_field()


class VersionFile(SQLModel, table=True):
    __tablename__ = "version_files"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "path", name="uq_version_files_version_path"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="listing_versions.id", index=True, ondelete="CASCADE")
    path: str = Field(max_length=500)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(ge=0)
    language: str = Field(default="text", max_length=32)
    is_binary: bool = Field(default=False)


class AiMetadata(SQLModel, table=True):
    """Structured provenance of a version: which model wrote it and from what conversation."""

    __tablename__ = "ai_metadata"

    version_id: int = Field(foreign_key="listing_versions.id", primary_key=True, ondelete="CASCADE")
    model: str = Field(max_length=100)
    provider: str = Field(max_length=40)
    prompt_history: list = json_field(default_factory=list)
    token_input: int = Field(default=0, ge=0)
    token_output: int = Field(default=0, ge=0)
    # A total without an in/out split (exports that only count tokens overall).
    token_total: int | None = Field(default=None, ge=0)
    temperature: float | None = Field(default=None, ge=0, le=2)
    generated_at: datetime | None = timestamp_field(nullable=True)


class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("listing_id", "buyer_id", name="uq_reviews_listing_buyer"),
        sa.CheckConstraint("rating between 1 and 5", name="ck_reviews_rating"),
    )

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listings.id", index=True, ondelete="CASCADE")
    buyer_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    rating: int = Field(ge=1, le=5)
    body: str = Field(default="", max_length=5000)
    seller_reply: str | None = Field(default=None, max_length=5000)
    seller_replied_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
