"""Read model of a listing page: details, seller, versions, files, provenance, reviews."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, select

from vibecoder.domain import dates
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import reputation
from vibecoder.domain.catalog.reviews import rating_breakdown
from vibecoder.domain.commerce.money import format_price
from vibecoder.models.catalog import AiMetadata, Listing, Review, VersionFile
from vibecoder.models.users import Profile, User

REVIEWS_PAGE_SIZE = 10
README_NAMES = ("readme.md", "readme", "readme.txt", "readme.rst")
MAIN_NAMES = ("main.py", "index.js", "app.py", "index.html", "main.js", "cli.py", "server.js")


class FileEntry(BaseModel):
    path: str
    size: int
    language: str
    is_binary: bool
    depth: int
    name: str


class VersionEntry(BaseModel):
    id: int
    version: str
    changelog: str
    published: str
    is_latest: bool
    is_published: bool
    tests: str = ""
    tests_ok: bool = False


class PromptEntry(BaseModel):
    role: str
    content: str


class ReviewEntry(BaseModel):
    id: int
    rating: int
    body: str
    reviewer: str
    date: str
    seller_reply: str
    # The reviewer holds a paid purchase of the listing (a refund takes the mark away).
    verified_buyer: bool = False


class ListingView(BaseModel):
    id: int
    slug: str
    title: str
    summary: str
    description: str
    category: str
    status: str
    price_label: str
    pricing_model: str
    license_type: str
    technologies: list[str]
    seller_username: str
    seller_name: str
    seller_reputation: int
    rating_avg: float
    rating_count: int
    # One decimal everywhere ("4.2"); empty when there are no reviews yet.
    rating_label: str
    sales_count: int
    is_owner: bool
    latest_version_id: int | None
    latest_version: str
    versions: list[VersionEntry]
    files: list[FileEntry]
    default_file: str
    ai_model: str
    ai_provider: str
    ai_tokens: str  # "1,200 in · 3,400 out", or "4,600 total" when only a total was recorded
    ai_temperature: str
    ai_generated: str
    prompts: list[PromptEntry]
    breakdown: list[int]  # counts for 5, 4, 3, 2, 1 stars
    cover_path: str = ""


def default_file(paths: list[str]) -> str:
    """The file the code viewer opens first: a README, else a main file, else the first."""
    by_name = {p.rsplit("/", 1)[-1].lower(): p for p in sorted(paths, key=lambda p: p.count("/"))}
    for name in README_NAMES + MAIN_NAMES:
        if name in by_name:
            return by_name[name]
    return sorted(paths)[0] if paths else ""


def file_entries(files: list[VersionFile]) -> list[FileEntry]:
    return [
        FileEntry(
            path=f.path,
            size=f.size,
            language=f.language,
            is_binary=f.is_binary,
            depth=f.path.count("/"),
            name=f.path.rsplit("/", 1)[-1],
        )
        for f in sorted(files, key=lambda f: f.path)
    ]


def rating_label(avg: float, count: int) -> str:
    return f"{avg:.1f}" if count else ""


def tokens_label(meta: AiMetadata | None) -> str:
    if meta is None:
        return ""
    if meta.token_input or meta.token_output:
        return f"{meta.token_input:,} in · {meta.token_output:,} out"
    if meta.token_total is not None:
        return f"{meta.token_total:,} total"
    return "not recorded"


def listing_view(*, session: Session, slug: str, viewer: User | None) -> ListingView:
    listing: Listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
    seller = session.get(User, listing.seller_id)
    profile = session.get(Profile, listing.seller_id)
    is_owner = catalog.owns_listing(viewer, listing) or catalog.is_admin(viewer)
    versions = catalog.versions_of(
        session=session, listing_id=listing.id, published_only=not is_owner
    )
    latest = next((v for v in versions if v.is_latest), versions[0] if versions else None)
    files = catalog.files_of(session=session, version_id=latest.id) if latest else []
    meta = session.get(AiMetadata, latest.id) if latest else None
    from vibecoder.domain.sandbox_runs.runs import latest_test_runs, test_label

    test_runs = latest_test_runs(
        session=session, version_ids=[v.id for v in versions if v.id is not None]
    )
    breakdown = rating_breakdown(session=session, listing_id=listing.id)
    return ListingView(
        id=listing.id,
        slug=listing.slug,
        title=listing.title,
        summary=listing.summary,
        description=listing.description,
        category=listing.category,
        status=listing.status,
        price_label=format_price(listing.price_cents, listing.currency, listing.pricing_model),
        pricing_model=listing.pricing_model,
        license_type=listing.license_type,
        technologies=catalog.technologies_of(session=session, listing_id=listing.id),
        seller_username=seller.username if seller else "",
        seller_name=(profile.display_name if profile else "")
        or (seller.username if seller else ""),
        seller_reputation=reputation.seller_reputation(
            session=session, seller_id=listing.seller_id
        ),
        rating_avg=listing.rating_avg,
        rating_count=listing.rating_count,
        rating_label=rating_label(listing.rating_avg, listing.rating_count),
        sales_count=listing.sales_count,
        is_owner=is_owner,
        latest_version_id=latest.id if latest else None,
        latest_version=latest.version if latest else "",
        versions=[
            VersionEntry(
                id=v.id,
                version=v.version,
                changelog=v.changelog,
                published=dates.local(v.published_at, None, dates.DATE, empty="draft"),
                is_latest=v.is_latest,
                is_published=v.is_published,
                tests=test_label(test_runs.get(v.id)),
                tests_ok=bool(
                    (run := test_runs.get(v.id))
                    and run.status == "done"
                    and not run.tests_failed
                    and not run.limit_reason
                    and run.tests_passed
                ),
            )
            for v in versions
        ],
        files=file_entries(files),
        default_file=default_file([f.path for f in files if not f.is_binary]),
        ai_model=meta.model if meta else "",
        ai_provider=meta.provider if meta else "",
        ai_tokens=tokens_label(meta),
        ai_temperature="" if not meta or meta.temperature is None else f"{meta.temperature:g}",
        ai_generated=dates.local(meta.generated_at if meta else None, None, dates.DATE),
        prompts=[PromptEntry(**entry) for entry in (meta.prompt_history if meta else [])],
        breakdown=[breakdown[star] for star in (5, 4, 3, 2, 1)],
        cover_path=f"/api/covers/{listing.cover_image_sha}" if listing.cover_image_sha else "",
    )


def reviews_page(
    *, session: Session, listing_id: int, page: int = 1
) -> tuple[list[ReviewEntry], int]:
    from sqlalchemy import func

    total = session.exec(
        select(func.count()).select_from(Review).where(Review.listing_id == listing_id)
    ).one()
    from sqlalchemy import exists

    from vibecoder.models.commerce import Purchase, PurchaseStatus

    paid = (
        exists()
        .where(
            Purchase.buyer_id == Review.buyer_id,
            Purchase.listing_id == Review.listing_id,
            Purchase.status == PurchaseStatus.paid,
        )
        .label("verified")
    )
    rows = session.exec(
        select(Review, User.username, paid)
        .join(User, User.id == Review.buyer_id)
        .where(Review.listing_id == listing_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .offset((max(page, 1) - 1) * REVIEWS_PAGE_SIZE)
        .limit(REVIEWS_PAGE_SIZE)
    )
    entries = [
        ReviewEntry(
            id=review.id,
            rating=review.rating,
            body=review.body,
            reviewer=username,
            date=dates.local(review.created_at, None, dates.DATE),
            seller_reply=review.seller_reply or "",
            verified_buyer=bool(verified),
        )
        for review, username, verified in rows
    ]
    return entries, int(total)


def version_file(*, session: Session, version_id: int, path: str) -> VersionFile | None:
    return session.exec(
        select(VersionFile).where(VersionFile.version_id == version_id, VersionFile.path == path)
    ).first()
