"""Listings and their versions: who may create, edit, publish, archive and see what.

Visibility rules (enforced here, never only in the UI):
- draft: its seller and admins;
- published: everyone;
- archived: its seller, admins, and buyers who own it (they keep access to what they bought);
- taken_down: its seller and admins.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from vibecoder.domain.catalog import preview_files, semver
from vibecoder.domain.plain_text import ERROR_CODE as CONTROL_CHARACTERS
from vibecoder.domain.plain_text import PlainTextInput, require_plain_text
from vibecoder.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vibecoder.models.catalog import (
    AiMetadata,
    LicenseType,
    Listing,
    ListingStatus,
    ListingTechnology,
    ListingVersion,
    PricingModel,
    Technology,
    VersionFile,
)
from vibecoder.models.commerce import Purchase, PurchaseStatus
from vibecoder.models.users import Role, User

CATEGORIES = (
    "CLI tools",
    "Web components",
    "APIs",
    "Data scripts",
    "Bots",
    "Games",
    "Storefront templates",
    "Utilities",
    "DevOps",
    "AI agents",
)
CURRENCIES = ("usd", "eur", "gbp")
FREE_ONLY_LICENSES = {LicenseType.mit, LicenseType.apache_2_0}
MAX_PRICE_CENTS = 1_000_000
# The sandbox's own limits for a run's arguments (vibecoder/domain/sandbox_runs/runs.py).
MAX_RUN_ARGS, MAX_RUN_ARGS_CHARS, MAX_RUN_STDIN_CHARS = 20, 500, 4000
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,78}[a-z0-9])$")


RUN_DEFAULTS = {"run_entry_point", "run_args", "run_stdin"}
# Left out of an update (older API clients, imports without them), these keep their value:
# the editor-only settings and the seller's preview marks.
KEPT_WHEN_UNSET = RUN_DEFAULTS | {"live_demo", "preview_files"}


class ListingInput(PlainTextInput):
    """What a seller fills in; validated before anything touches the database."""

    multiline_fields = frozenset({"description", "run_stdin"})

    title: str = Field(min_length=3, max_length=120)
    slug: str | None = None
    summary: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=50_000)
    category: str
    technologies: list[str] = Field(default_factory=list, max_length=12)
    license_type: LicenseType = LicenseType.personal
    pricing_model: PricingModel = PricingModel.one_time
    price_cents: int = Field(default=0, ge=0, le=MAX_PRICE_CENTS)
    currency: str = "usd"
    # "Run in sandbox" defaults; left out of an update, the stored ones stay (update_listing).
    run_entry_point: str = Field(default="", max_length=300)
    run_args: str = Field(default="", max_length=MAX_RUN_ARGS_CHARS)
    run_stdin: str = Field(default="", max_length=MAX_RUN_STDIN_CHARS)
    # "Offer a live demo" (web listings): the page served on the preview origin.
    live_demo: bool = True
    # Files a visitor who has not bought the listing reads in full (gitignore-style patterns);
    # None: README and docs for a new listing, the stored ones for an update.
    preview_files: list[str] | None = Field(default=None, max_length=200)

    @field_validator("preview_files")
    @classmethod
    def _preview_patterns(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        return preview_files.clean_patterns(values)

    @field_validator("run_entry_point", "run_args")
    @classmethod
    def _one_line(cls, value: str) -> str:
        value = value.strip()
        if "\n" in value or "\r" in value:
            raise ValueError("must fit on one line")
        return value

    @field_validator("run_args")
    @classmethod
    def _shell_words(cls, value: str) -> str:
        try:
            words = shlex.split(value)
        except ValueError:
            raise ValueError("check the quotes of the example arguments") from None
        if len(words) > MAX_RUN_ARGS:
            raise ValueError(f"at most {MAX_RUN_ARGS} example arguments")
        return value

    @field_validator("title", "summary", "description")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"choose one of: {', '.join(CATEGORIES)}")
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        value = value.lower()
        if value not in CURRENCIES:
            raise ValueError(f"currency must be one of {', '.join(CURRENCIES)}")
        return value

    @field_validator("technologies")
    @classmethod
    def _clean_tags(cls, values: list[str]) -> list[str]:
        cleaned: list[str] = []
        for value in values:
            tag = re.sub(r"[^a-z0-9+#.\- ]", "", value.strip().lower())[:40].strip()
            if tag and tag not in cleaned:
                cleaned.append(tag)
        return cleaned

    def check_pricing(self) -> None:
        if self.pricing_model == PricingModel.free:
            if self.price_cents != 0:
                raise ValidationFailed(
                    "invalid_price", "Free listings have a price of 0.", field="price_cents"
                )
        else:
            # Per-run prices are small by nature; a sale of anything else under 0.50 costs more
            # in card fees than it earns.
            minimum = 1 if self.pricing_model == PricingModel.usage else 50
            if self.price_cents < minimum:
                raise ValidationFailed(
                    "invalid_price",
                    "Paid listings cost at least 0.50 (per-run prices at least 0.01), "
                    "or choose the free pricing model.",
                    field="price_cents",
                )
            if self.license_type in FREE_ONLY_LICENSES:
                raise ValidationFailed(
                    "invalid_license",
                    "MIT and Apache-2.0 licenses are for free listings.",
                    field="license_type",
                )


class StoredFile(Protocol):
    path: str
    sha256: str
    size: int
    language: str
    is_binary: bool


class AiMetadataInput(PlainTextInput):
    multiline_fields = frozenset({"prompt_history"})

    model: str = Field(min_length=1, max_length=100)
    provider: str = Field(min_length=1, max_length=40)
    prompt_history: list[dict] = Field(default_factory=list, max_length=500)
    token_input: int = Field(default=0, ge=0)
    token_output: int = Field(default=0, ge=0)
    token_total: int | None = Field(default=None, ge=0)
    temperature: float | None = Field(default=None, ge=0, le=2)
    generated_at: datetime | None = None

    @field_validator("prompt_history")
    @classmethod
    def _entries(cls, entries: list[dict]) -> list[dict]:
        cleaned = []
        for entry in entries:
            role = str(entry.get("role", ""))
            if role not in ("user", "assistant", "system"):
                raise ValueError("each prompt entry needs a role of user, assistant or system")
            content = str(entry.get("content", ""))
            if len(content) > 100_000:
                raise ValueError("a prompt entry is longer than 100,000 characters")
            cleaned.append({"role": role, "content": content})
        return cleaned


def _parse(model: type[BaseModel], data: dict | BaseModel) -> BaseModel:
    from pydantic import ValidationError

    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        if first["type"] == CONTROL_CHARACTERS:
            raise ValidationFailed(CONTROL_CHARACTERS, first["msg"], field=field) from exc
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ValidationFailed("invalid_input", f"{field}: {message}", field=field) from exc


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-") or "listing"


def _unique_slug(session: Session, base: str) -> str:
    slug = base
    suffix = 2
    while session.exec(select(Listing.id).where(Listing.slug == slug)).first():
        slug = f"{base[:74]}-{suffix}"
        suffix += 1
    return slug


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.admin


def _require_seller(user: User) -> None:
    if user.role not in (Role.seller, Role.admin):
        raise PermissionDenied("not_a_seller", "Become a seller in your account to list code.")


def owns_listing(user: User | None, listing: Listing) -> bool:
    return user is not None and listing.seller_id == user.id


def has_purchased(session: Session, user: User | None, listing: Listing) -> bool:
    if user is None:
        return False
    return (
        session.exec(
            select(Purchase.id).where(
                Purchase.buyer_id == user.id,
                Purchase.listing_id == listing.id,
                Purchase.status == PurchaseStatus.paid,
            )
        ).first()
        is not None
    )


def can_view(session: Session, user: User | None, listing: Listing) -> bool:
    if listing.status == ListingStatus.published:
        return True
    if owns_listing(user, listing) or is_admin(user):
        return True
    if listing.status == ListingStatus.archived:
        return has_purchased(session, user, listing)
    return False


def get_listing_for_viewer(*, session: Session, slug: str, viewer: User | None) -> Listing:
    listing = session.exec(select(Listing).where(Listing.slug == slug)).first()
    # Invisible and missing look the same, so drafts cannot be probed by slug.
    if listing is None or not can_view(session, viewer, listing):
        raise NotFound("listing_not_found", "This listing does not exist or is not available.")
    return listing


def get_own_listing(
    *, session: Session, seller: User, listing_id: int, lock: bool = False
) -> Listing:
    query = select(Listing).where(Listing.id == listing_id)
    if lock:
        query = query.with_for_update()
    listing = session.exec(query).first()
    if listing is None or not (owns_listing(seller, listing) or is_admin(seller)):
        raise NotFound("listing_not_found", "This listing does not exist or is not yours.")
    return listing


def set_technologies(*, session: Session, listing: Listing, names: Iterable[str]) -> None:
    session.exec(delete(ListingTechnology).where(ListingTechnology.listing_id == listing.id))
    for name in names:
        tech = session.exec(select(Technology).where(Technology.name == name)).first()
        if tech is None:
            tech = Technology(name=name)
            session.add(tech)
            session.flush()
        session.add(ListingTechnology(listing_id=listing.id, technology_id=tech.id))
    session.flush()


def technologies_of(*, session: Session, listing_id: int) -> list[str]:
    return list(
        session.exec(
            select(Technology.name)
            .join(ListingTechnology, ListingTechnology.technology_id == Technology.id)
            .where(ListingTechnology.listing_id == listing_id)
            .order_by(Technology.name)
        )
    )


def create_listing(*, session: Session, seller: User, data: dict | ListingInput) -> Listing:
    _require_seller(seller)
    listing_input: ListingInput = _parse(ListingInput, data)  # type: ignore[assignment]
    listing_input.check_pricing()
    if listing_input.slug:
        slug = listing_input.slug.strip().lower()
        if not SLUG_RE.match(slug):
            raise ValidationFailed(
                "invalid_slug", "Slugs are 3–80 lowercase letters, digits and dashes.", field="slug"
            )
        if session.exec(select(Listing.id).where(Listing.slug == slug)).first():
            raise Conflict("slug_taken", "Another listing already uses this slug.", field="slug")
    else:
        slug = _unique_slug(session, slugify(listing_input.title))
    listing = Listing(
        seller_id=seller.id,
        slug=slug,
        **listing_input.model_dump(
            exclude={"slug", "technologies"}
            | ({"preview_files"} if listing_input.preview_files is None else set())
        ),
    )
    session.add(listing)
    session.flush()
    set_technologies(session=session, listing=listing, names=listing_input.technologies)
    return listing


def _reindex_later(session: Session, listing: Listing) -> None:
    # Search vectors follow the listing's text; the embeddings worker recomputes them.
    from vibecoder.domain.search.index import request_embedding

    request_embedding(session=session, listing_id=listing.id)


def update_listing(
    *, session: Session, seller: User, listing_id: int, data: dict | ListingInput
) -> Listing:
    """Edit the listing's details. The slug never changes: links to it stay valid."""
    listing = get_own_listing(session=session, seller=seller, listing_id=listing_id, lock=True)
    listing_input: ListingInput = _parse(ListingInput, data)  # type: ignore[assignment]
    listing_input.check_pricing()
    # Callers that do not know the sandbox defaults (the API, imports) leave them as they are.
    unset_defaults = KEPT_WHEN_UNSET - listing_input.model_fields_set
    if listing_input.preview_files is None:
        unset_defaults.add("preview_files")
    for key, value in listing_input.model_dump(
        exclude={"slug", "technologies", *unset_defaults}
    ).items():
        setattr(listing, key, value)
    listing.updated_at = datetime.now(UTC)
    session.add(listing)
    set_technologies(session=session, listing=listing, names=listing_input.technologies)
    _reindex_later(session, listing)
    return listing


def latest_version(*, session: Session, listing_id: int) -> ListingVersion | None:
    return session.exec(
        select(ListingVersion).where(
            ListingVersion.listing_id == listing_id, ListingVersion.is_latest.is_(True)
        )
    ).first()


def versions_of(*, session: Session, listing_id: int, published_only: bool) -> list[ListingVersion]:
    query = select(ListingVersion).where(ListingVersion.listing_id == listing_id)
    if published_only:
        query = query.where(ListingVersion.is_published.is_(True))
    rows = list(session.exec(query))
    rows.sort(key=lambda v: semver.sort_key(v.version), reverse=True)
    return rows


def files_of(*, session: Session, version_id: int) -> list[VersionFile]:
    return list(
        session.exec(
            select(VersionFile)
            .where(VersionFile.version_id == version_id)
            .order_by(VersionFile.path)
        )
    )


def add_version(
    *,
    session: Session,
    seller: User,
    listing_id: int,
    version: str,
    changelog: str,
    files: Iterable[StoredFile],
    ai_metadata: dict | AiMetadataInput | None = None,
) -> ListingVersion:
    """A new unpublished version with its (already stored) files and AI provenance."""
    require_plain_text(version=version, changelog=changelog, multiline={"changelog"})
    listing = get_own_listing(session=session, seller=seller, listing_id=listing_id, lock=True)
    try:
        semver.parse(version)
    except ValueError as exc:
        raise ValidationFailed("invalid_version", str(exc), field="version") from exc
    if len(changelog) > 20_000:
        raise ValidationFailed("changelog_too_long", "Keep the changelog under 20,000 characters.")
    if session.exec(
        select(ListingVersion.id).where(
            ListingVersion.listing_id == listing.id, ListingVersion.version == version
        )
    ).first():
        raise Conflict("version_exists", f"Version {version} already exists.", field="version")
    files = list(files)
    if not files:
        raise ValidationFailed("no_files", "Upload at least one file for this version.")
    row = ListingVersion(listing_id=listing.id, version=version, changelog=changelog.strip())
    session.add(row)
    session.flush()
    for item in files:
        session.add(
            VersionFile(
                version_id=row.id,
                path=item.path,
                sha256=item.sha256,
                size=item.size,
                language=item.language,
                is_binary=item.is_binary,
            )
        )
    if ai_metadata is not None:
        meta: AiMetadataInput = _parse(AiMetadataInput, ai_metadata)  # type: ignore[assignment]
        session.add(AiMetadata(version_id=row.id, **meta.model_dump()))
    session.flush()
    return row


@dataclass(frozen=True)
class PublishCheck:
    """Findings of the upload scan for the files of a version (see services.scanning)."""

    blocking: list[str]
    warnings: list[str]


def publish_version(
    *,
    session: Session,
    seller: User,
    version_id: int,
    scan: PublishCheck,
    now: datetime | None = None,
) -> ListingVersion:
    """Publish a version: it becomes latest if it is the highest, and the listing goes live."""
    from vibecoder.domain.accounts.email_links import require_verified_email

    require_verified_email(seller)
    version = session.get(ListingVersion, version_id)
    if version is None:
        raise NotFound("version_not_found", "No such version.")
    listing = get_own_listing(
        session=session, seller=seller, listing_id=version.listing_id, lock=True
    )
    if listing.status == ListingStatus.taken_down:
        raise PermissionDenied("taken_down", "This listing was taken down by moderation.")
    if scan.blocking:
        raise ValidationFailed(
            "secrets_detected",
            "Remove these before publishing: " + "; ".join(scan.blocking[:5]),
        )
    now = now or datetime.now(UTC)
    if not version.is_published:
        version.is_published = True
        version.published_at = now
        version.published_by_id = seller.id
    current = latest_version(session=session, listing_id=listing.id)
    if current is None or semver.sort_key(version.version) > semver.sort_key(current.version):
        # Clear the old latest first: a partial unique index allows only one at a time.
        session.exec(
            update(ListingVersion)
            .where(ListingVersion.listing_id == listing.id, ListingVersion.is_latest.is_(True))
            .values(is_latest=False)
        )
        session.flush()
        version.is_latest = True
    session.add(version)
    if version.is_latest:
        # A web page's screenshot becomes the cover (unless the seller uploaded one).
        from vibecoder.domain.catalog.live_demo import request_screenshot

        request_screenshot(session=session, listing_id=listing.id, version_id=version.id)
    if listing.status in (ListingStatus.draft, ListingStatus.archived):
        listing.status = ListingStatus.published
        listing.published_at = listing.published_at or now
    listing.updated_at = now
    session.add(listing)
    session.flush()
    _reindex_later(session, listing)
    return version


def publish_listing(*, session: Session, seller: User, listing_id: int) -> Listing:
    from vibecoder.domain.accounts.email_links import require_verified_email

    require_verified_email(seller)
    listing = get_own_listing(session=session, seller=seller, listing_id=listing_id, lock=True)
    if listing.status == ListingStatus.taken_down:
        raise PermissionDenied("taken_down", "This listing was taken down by moderation.")
    if latest_version(session=session, listing_id=listing.id) is None:
        raise ValidationFailed(
            "no_published_version", "Publish a version with files before publishing the listing."
        )
    listing.status = ListingStatus.published
    listing.published_at = listing.published_at or datetime.now(UTC)
    session.add(listing)
    session.flush()
    _reindex_later(session, listing)
    return listing


def archive_listing(*, session: Session, seller: User, listing_id: int) -> Listing:
    listing = get_own_listing(session=session, seller=seller, listing_id=listing_id, lock=True)
    if listing.status == ListingStatus.taken_down:
        raise PermissionDenied("taken_down", "This listing was taken down by moderation.")
    listing.status = ListingStatus.archived
    listing.updated_at = datetime.now(UTC)
    session.add(listing)
    session.flush()
    return listing


def seller_listings(
    *, session: Session, seller: User, offset: int = 0, limit: int = 20
) -> list[Listing]:
    return list(
        session.exec(
            select(Listing)
            .where(Listing.seller_id == seller.id)
            .order_by(Listing.updated_at.desc())
            .offset(max(offset, 0))
            .limit(min(max(limit, 1), 100))
        )
    )


def count_seller_listings(*, session: Session, seller: User) -> int:
    return session.exec(
        select(func.count()).select_from(Listing).where(Listing.seller_id == seller.id)
    ).one()
