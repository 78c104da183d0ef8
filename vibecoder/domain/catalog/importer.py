"""Bulk import of listings from JSON lines (docs/import-format.md), and the demo seed catalog.

Each line is imported in its own savepoint: an invalid line is reported with its number and
leaves nothing behind, valid lines are imported anyway. Import is idempotent by slug: a known
slug updates the listing, a new `version` adds a version, a known version is left alone.
"""

from __future__ import annotations

import io
import json
import secrets
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlmodel import Session, select

from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import archive, covers
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import ServiceError
from vibecoder.infra import storage
from vibecoder.models.catalog import Listing, ListingVersion
from vibecoder.models.users import Profile, Role, User

# vibecoder/seed_data (this module moved into domain/catalog/: two levels up, not one).
SEED_DIR = Path(__file__).resolve().parents[2] / "seed_data"
PRICING_ALIASES = {"subscription": "subscription_monthly"}
# Exporters write SPDX ids ("MIT", "Apache-2.0") and ISO 4217 codes ("USD"); our values are the
# lower-case forms, so any case is accepted.
LICENSE_ALIASES = {"apache2": "apache-2.0", "apache-2": "apache-2.0", "apache 2.0": "apache-2.0"}


class ImportRecord(BaseModel):
    slug: str
    title: str
    summary: str = ""
    description: str = ""
    category: str
    technologies: list[str] = Field(default_factory=list)
    license: str = "personal"
    pricing: str = "one_time"
    price_cents: int = Field(default=0, ge=0)
    currency: str = "usd"
    version: str = "1.0.0"
    changelog: str = ""
    files: dict[str, str]
    ai_metadata: dict[str, Any] | None = None
    # "Run in sandbox" defaults: the file to run and an example invocation.
    entry_point: str = ""
    run_example: dict[str, Any] | None = None
    # Files shown in full before purchase (gitignore-style patterns); absent: kept as they are.
    preview_files: list[str] | None = None

    @field_validator("license", "currency", "pricing")
    @classmethod
    def _case_insensitive(cls, value: str) -> str:
        value = value.strip().lower()
        return LICENSE_ALIASES.get(value, value)

    @field_validator("files")
    @classmethod
    def _some_files(cls, files: dict[str, str]) -> dict[str, str]:
        if not files:
            raise ValueError("at least one file is required")
        return files

    def listing_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "description": self.description,
            "category": self.category,
            "technologies": self.technologies,
            "license_type": self.license,
            "pricing_model": PRICING_ALIASES.get(self.pricing, self.pricing),
            "price_cents": self.price_cents,
            "currency": self.currency,
            **self._run_defaults(),
            **({"preview_files": self.preview_files} if self.preview_files is not None else {}),
        }

    def _run_defaults(self) -> dict[str, str]:
        """Only what the record gives: an import without them keeps the seller's own."""
        found: dict[str, str] = {}
        if self.entry_point:
            found["run_entry_point"] = self.entry_point
        if self.run_example:
            found["run_args"] = shlex.join(str(a) for a in self.run_example.get("args") or [])
            found["run_stdin"] = str(self.run_example.get("stdin") or "")
        return found

    def ai_metadata_input(self) -> dict[str, Any] | None:
        if not self.ai_metadata:
            return None
        meta = dict(self.ai_metadata)
        usage = meta.pop("token_usage", None) or {}
        if isinstance(usage, dict):
            meta.setdefault("token_input", int(usage.get("input", 0) or 0))
            meta.setdefault("token_output", int(usage.get("output", 0) or 0))
            if usage.get("total") is not None:
                meta.setdefault("token_total", int(usage["total"]))
        elif isinstance(usage, int | float) and not isinstance(usage, bool):
            # The seed schema's `token_usage: 1234` is a total with no in/out split.
            meta.setdefault("token_total", int(usage))
        else:
            raise ValueError("ai_metadata.token_usage must be an integer or {input, output}")
        return meta


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    versions_added: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "versions_added": self.versions_added,
            "unchanged": self.unchanged,
            "errors": [{"line": n, "error": e} for n, e in self.errors],
        }

    def __str__(self) -> str:
        lines = [
            f"imported: {self.created} created, {self.updated} updated, "
            f"{self.versions_added} new versions, {self.unchanged} unchanged, "
            f"{len(self.errors)} invalid lines"
        ]
        lines += [f"  line {n}: {e}" for n, e in self.errors]
        return "\n".join(lines)


def ensure_seller(
    *, session: Session, email: str, username: str | None = None, display_name: str | None = None
) -> User:
    user = auth.get_user_by_email(session=session, email=email)
    if user is None:
        # A random password nobody knows: the seller chooses one with "Forgot your password?"
        # (the operator vouches for the address, so it starts verified).
        user = auth.register(
            session=session,
            email=email,
            username=username,
            display_name=display_name,
            password=secrets.token_urlsafe(24) + "aA1!",
            role=Role.seller,
        )
    elif user.role == Role.buyer:
        auth.become_seller(session=session, user=user)
    return user


def _store_text_files(files: dict[str, str]) -> list[archive.IngestedFile]:
    sources = [
        archive.UploadSource(name=path, stream=io.BytesIO(text.encode("utf-8")))
        for path, text in files.items()
    ]
    result = archive.ingest_upload(
        sources=sources,
        store=storage.get_blob_store(),
        limits=archive.UploadLimits.from_settings(),
        keep_directories=True,
    )
    return result.files


def import_record(
    *, session: Session, seller: User, record: ImportRecord, published_at: datetime | None = None
) -> str:
    """Import one record; returns 'created', 'updated', 'version' or 'unchanged'."""
    listing = session.exec(select(Listing).where(Listing.slug == record.slug)).first()
    outcome = "created"
    if listing is None:
        listing = catalog.create_listing(session=session, seller=seller, data=record.listing_data())
    else:
        if listing.seller_id != seller.id:
            raise ServiceError("slug_taken", f"slug {record.slug!r} belongs to another seller")
        catalog.update_listing(
            session=session, seller=seller, listing_id=listing.id, data=record.listing_data()
        )
        outcome = "updated"
    known = session.exec(
        select(ListingVersion.id).where(
            ListingVersion.listing_id == listing.id, ListingVersion.version == record.version
        )
    ).first()
    if known:
        return outcome if outcome == "created" else "unchanged"
    files = _store_text_files(record.files)
    version = catalog.add_version(
        session=session,
        seller=seller,
        listing_id=listing.id,
        version=record.version,
        changelog=record.changelog,
        files=files,
        ai_metadata=record.ai_metadata_input(),
    )
    listing_files.publish_scanned_version(session=session, seller=seller, version_id=version.id)
    if published_at is not None:
        version.published_at = published_at
        listing.published_at = min(listing.published_at or published_at, published_at)
        session.add_all([version, listing])
    return outcome if outcome == "created" else "version"


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    if isinstance(exc, listing_files.BlockedBySecrets):
        return (
            exc.message
            + " "
            + "; ".join(
                f"{f['path']}:{f['line']} {f['message']}"
                for f in exc.findings
                if f["severity"] == "blocking"
            )
        )
    if isinstance(exc, ServiceError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def import_lines(*, session: Session, seller: User, lines: Iterable[str]) -> ImportSummary:
    summary = ImportSummary()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        savepoint = session.begin_nested()
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("each line must be a JSON object")
            outcome = import_record(session=session, seller=seller, record=ImportRecord(**data))
            savepoint.commit()
        except (ValueError, ValidationError, ServiceError) as exc:
            savepoint.rollback()
            summary.errors.append((number, _error_text(exc)))
            continue
        if outcome == "created":
            summary.created += 1
        elif outcome == "updated":
            summary.updated += 1
        elif outcome == "version":
            summary.versions_added += 1
        else:
            summary.unchanged += 1
    return summary


def import_file(*, path: Path, seller_email: str) -> ImportSummary:
    from vibecoder.infra.db import session_scope

    with session_scope() as session:
        seller = ensure_seller(session=session, email=seller_email)
        with path.open(encoding="utf-8") as handle:
            return import_lines(session=session, seller=seller, lines=handle)


# --- the demo seed catalog ----------------------------------------------------------------


def _seed_listing_dirs() -> Iterator[Path]:
    root = SEED_DIR / "listings"
    if root.exists():
        yield from sorted(p for p in root.iterdir() if (p / "listing.json").exists())


def _read_files(files_dir: Path) -> dict[str, str]:
    return {
        str(path.relative_to(files_dir)): path.read_text(encoding="utf-8")
        for path in sorted(files_dir.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def import_seed_catalog() -> dict[str, int]:
    """Sellers, listings (each version published), buyers and their reviews from seed_data/."""
    from vibecoder.domain.catalog.reviews import upsert_review
    from vibecoder.domain.commerce import ledger
    from vibecoder.infra.db import session_scope
    from vibecoder.models.commerce import Purchase, PurchaseStatus

    sellers_file = SEED_DIR / "sellers.json"
    sellers = json.loads(sellers_file.read_text()) if sellers_file.exists() else []
    counts = {"sellers": 0, "listings": 0, "reviews": 0}
    now = datetime.now(UTC)
    with session_scope() as session:
        by_email: dict[str, User] = {}
        for entry in sellers:
            user = ensure_seller(
                session=session,
                email=entry["email"],
                username=entry.get("username"),
                display_name=entry.get("display_name"),
            )
            profile = session.get(Profile, user.id)
            if profile is not None:
                profile.bio = entry.get("bio", "")[:2000]
                profile.links = list(entry.get("links", []))[:10]
                profile.timezone = entry.get("timezone", "UTC")
                session.add(profile)
            by_email[entry["email"].lower()] = user
            counts["sellers"] += 1
        session.flush()
        for listing_dir in _seed_listing_dirs():
            spec = json.loads((listing_dir / "listing.json").read_text())
            seller = by_email.get(spec["seller"].lower()) or ensure_seller(
                session=session, email=spec["seller"]
            )
            files = _read_files(listing_dir / "files")
            versions = spec.get("versions") or [{"version": "1.0.0", "changelog": ""}]
            for entry in versions:
                record = ImportRecord(
                    slug=spec["slug"],
                    title=spec["title"],
                    summary=spec.get("summary", ""),
                    description=spec.get("description", ""),
                    category=spec["category"],
                    technologies=spec.get("technologies", []),
                    license=spec.get("license", "personal"),
                    pricing=spec.get("pricing", "one_time"),
                    price_cents=spec.get("price_cents", 0),
                    currency=spec.get("currency", "usd"),
                    version=entry["version"],
                    changelog=entry.get("changelog", ""),
                    files=files,
                    ai_metadata=spec.get("ai_metadata"),
                    entry_point=spec.get("entry_point", ""),
                    run_example=spec.get("run_example"),
                )
                days_ago = int(entry.get("published_days_ago", 0) or 0)
                import_record(
                    session=session,
                    seller=seller,
                    record=record,
                    published_at=now - timedelta(days=days_ago),
                )
            listing = session.exec(select(Listing).where(Listing.slug == spec["slug"])).one()
            # Cards sell with a picture: the demo catalog gets generated title cards at once;
            # a web listing's publish has also queued its screenshot, which replaces the card
            # in the worker (off the bootstrap's path).
            if listing.cover_image_sha is None:
                covers.set_generated_cover(
                    session=session,
                    listing=listing,
                    data=covers.generated_cover(title=listing.title, category=listing.category),
                )
            counts["listings"] += 1
            for review in spec.get("reviews", []):
                buyer = auth.get_user_by_email(
                    session=session, email=f"{review['reviewer_username']}@buyers.example.com"
                ) or auth.register(
                    session=session,
                    email=f"{review['reviewer_username']}@buyers.example.com",
                    username=review["reviewer_username"],
                    password=secrets.token_urlsafe(24) + "aA1!",
                )
                purchase_at = now - timedelta(days=int(review.get("days_ago", 1)) + 1)
                purchase = Purchase(
                    buyer_id=buyer.id,
                    listing_id=listing.id,
                    status=PurchaseStatus.paid,
                    amount_cents=listing.price_cents,
                    currency=listing.currency,
                    gateway="seed",
                    idempotency_key=f"seed:{buyer.id}:{listing.id}",
                    created_at=purchase_at,
                    paid_at=purchase_at,
                )
                session.add(purchase)
                session.flush()
                # A demo sale is booked like a real one, so admin GMV and seller balances add up.
                ledger.record_sale(
                    session=session,
                    purchase=purchase,
                    seller_id=listing.seller_id,
                    gross_cents=purchase.amount_cents,
                    currency=purchase.currency,
                    source_ref=f"seed:{purchase.id}",
                    payment_ref=None,
                    transferred=False,
                    description=f"Demo sale of {listing.title}",
                    at=purchase_at,
                )
                upsert_review(
                    session=session,
                    buyer=buyer,
                    listing_id=listing.id,
                    rating=int(review["rating"]),
                    body=review.get("text", ""),
                )
                listing.sales_count += 1
                counts["reviews"] += 1
            session.add(listing)
    return counts
