"""/listings: browse with the page's filters, one listing with versions/files/provenance, and
for `sell` keys: create, update, and publish a version from a zip."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import Response

from vibecoder.api.v1.common import (
    NOT_MODIFIED,
    CursorParam,
    Limit,
    decode_cursor,
    encode_cursor,
    etag_json,
)
from vibecoder.api.v1.deps import Caller, Seller
from vibecoder.api.v1.problems import ApiProblem, error_responses
from vibecoder.domain.catalog import detail, selling
from vibecoder.domain.catalog.browse import BrowseFilters, SortKey, browse_window
from vibecoder.domain.catalog.listings import ListingInput
from vibecoder.domain.commerce.money import format_price
from vibecoder.infra.db import session_scope
from vibecoder.models.catalog import Listing

router = APIRouter(prefix="/listings", tags=["listings"])
Slug = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9-]*$")]


class ListingBase(BaseModel):
    slug: str
    title: str
    summary: str
    category: str
    pricing_model: str
    license_type: str
    price_cents: int
    currency: str
    price_label: str


class ListingSummaryPublic(ListingBase):
    seller_username: str
    seller_name: str
    rating_avg: float
    rating_count: int
    sales_count: int
    published_at: datetime | None
    url: str = Field(description="This listing in the API.")


class ListingPage(BaseModel):
    items: list[ListingSummaryPublic]
    total: int
    next_cursor: str | None


class VersionPublic(BaseModel):
    id: int
    version: str
    changelog: str
    published: str
    is_latest: bool
    is_published: bool
    tests: str


class FilePublic(BaseModel):
    path: str
    size: int
    language: str
    is_binary: bool


class PromptPublic(BaseModel):
    role: str
    content: str


class ProvenancePublic(BaseModel):
    model: str
    provider: str
    # As the listing page shows them: "1,200 in · 3,400 out", "4,600 total", or "".
    tokens: str
    temperature: str
    generated: str
    prompts: list[PromptPublic]


class ListingPublic(ListingBase):
    id: int
    description: str
    status: str
    technologies: list[str]
    seller_username: str
    seller_name: str
    rating_avg: float
    rating_count: int
    sales_count: int
    is_owner: bool
    latest_version: str
    versions: list[VersionPublic]
    files: list[FilePublic] = Field(description="Files of the latest version.")
    preview_files: list[str] = Field(
        description="Patterns (gitignore style) of the files shown in full before purchase."
    )
    provenance: ProvenancePublic


class ListingCreate(ListingInput):
    """A new draft listing (publish it by uploading a version)."""


class ListingUpdate(ListingInput):
    """The listing's details, replaced as a whole; the slug never changes."""


class VersionCreated(BaseModel):
    listing_slug: str
    version_id: int
    version: str
    file_count: int
    published: bool
    listing_status: str
    warnings: list[str]


def _summary(listing: Listing, username: str, display_name: str | None) -> ListingSummaryPublic:
    return ListingSummaryPublic(
        slug=listing.slug,
        title=listing.title,
        summary=listing.summary,
        category=listing.category,
        pricing_model=listing.pricing_model,
        license_type=listing.license_type,
        price_cents=listing.price_cents,
        currency=listing.currency,
        price_label=format_price(listing.price_cents, listing.currency, listing.pricing_model),
        seller_username=username,
        seller_name=display_name or username,
        rating_avg=listing.rating_avg,
        rating_count=listing.rating_count,
        sales_count=listing.sales_count,
        published_at=listing.published_at,
        url=f"/api/v1/listings/{listing.slug}",
    )


def browse_filters(**values) -> BrowseFilters:
    try:
        return BrowseFilters(**{k: v for k, v in values.items() if v not in (None, "")})
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise ApiProblem(422, "invalid_filter", f"Invalid filter: {field}.", field=field) from exc


@router.get(
    "",
    response_model=ListingPage,
    summary="Browse published listings",
    responses={**NOT_MODIFIED, **error_responses(401, 422, 429)},
)
def list_listings(
    request: Request,
    caller: Caller,
    category: Annotated[str | None, Query(max_length=80)] = None,
    tech: Annotated[str | None, Query(max_length=40, description="A technology tag.")] = None,
    pricing: Annotated[
        Literal["free", "one_time", "subscription_monthly", "subscription_yearly", "usage"] | None,
        Query(),
    ] = None,
    license: Annotated[
        Literal["personal", "commercial", "extended", "mit", "apache-2.0"] | None, Query()
    ] = None,
    min_price_cents: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    max_price_cents: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5)] = None,
    sort: Annotated[SortKey, Query()] = "newest",
    limit: Limit = 20,
    cursor: CursorParam = None,
) -> Response:
    filters = browse_filters(
        category=category,
        technology=tech,
        pricing_model=pricing,
        license_type=license,
        min_price_cents=min_price_cents,
        max_price_cents=max_price_cents,
        min_rating=min_rating,
        sort=sort,
    )
    offset = (decode_cursor(cursor, "o") or {"o": 0})["o"]
    with session_scope() as session:
        rows, total = browse_window(session=session, filters=filters, offset=offset, limit=limit)
        items = [_summary(*row) for row in rows]
    more = offset + len(items) < total and len(items) == limit
    page = ListingPage(
        items=items, total=total, next_cursor=encode_cursor({"o": offset + limit}) if more else None
    )
    return etag_json(request, page, private=False)


def listing_public(view: detail.ListingView, listing: Listing) -> ListingPublic:
    return ListingPublic(
        id=view.id,
        slug=view.slug,
        title=view.title,
        summary=view.summary,
        description=view.description,
        category=view.category,
        status=view.status,
        pricing_model=view.pricing_model,
        license_type=view.license_type,
        price_cents=listing.price_cents,
        currency=listing.currency,
        preview_files=list(listing.preview_files),
        price_label=view.price_label,
        technologies=view.technologies,
        seller_username=view.seller_username,
        seller_name=view.seller_name,
        rating_avg=view.rating_avg,
        rating_count=view.rating_count,
        sales_count=view.sales_count,
        is_owner=view.is_owner,
        latest_version=view.latest_version,
        versions=[
            VersionPublic(
                id=v.id,
                version=v.version,
                changelog=v.changelog,
                published=v.published,
                is_latest=v.is_latest,
                is_published=v.is_published,
                tests=v.tests,
            )
            for v in view.versions
        ],
        files=[
            FilePublic(path=f.path, size=f.size, language=f.language, is_binary=f.is_binary)
            for f in view.files
        ],
        provenance=ProvenancePublic(
            model=view.ai_model,
            provider=view.ai_provider,
            tokens=view.ai_tokens,
            temperature=view.ai_temperature,
            generated=view.ai_generated,
            prompts=[PromptPublic(role=p.role, content=p.content) for p in view.prompts],
        ),
    )


def _load_public(slug: str, caller) -> ListingPublic:
    viewer = caller.user if caller else None
    with session_scope() as session:
        view = detail.listing_view(session=session, slug=slug, viewer=viewer)
        listing = session.get(Listing, view.id)
        assert listing is not None
        return listing_public(view, listing)


@router.get(
    "/{slug}",
    response_model=ListingPublic,
    summary="One listing: details, versions, files of the latest version and AI provenance",
    responses={**NOT_MODIFIED, **error_responses(401, 404, 422, 429)},
)
def get_listing(request: Request, slug: Slug, caller: Caller) -> Response:
    body = _load_public(slug, caller)
    return etag_json(request, body, private=body.is_owner or body.status != "published")


@router.post(
    "",
    response_model=ListingPublic,
    status_code=201,
    summary="Create a draft listing (sell)",
    responses=error_responses(401, 403, 409, 422, 429),
)
def create_listing(body: ListingCreate, caller: Seller) -> ListingPublic:
    with session_scope() as session:
        slug = selling.create_listing(session=session, seller=caller.user, data=body)
    return _load_public(slug, caller)


@router.put(
    "/{slug}",
    response_model=ListingPublic,
    summary="Replace a listing's details (sell, own listings)",
    responses=error_responses(401, 403, 404, 409, 422, 429),
)
def update_listing(slug: Slug, body: ListingUpdate, caller: Seller) -> ListingPublic:
    with session_scope() as session:
        selling.update_listing(session=session, seller=caller.user, slug=slug, data=body)
    return _load_public(slug, caller)


@router.post(
    "/{slug}/versions",
    response_model=VersionCreated,
    status_code=201,
    summary="Upload a version as a zip and publish it (sell, own listings)",
    responses=error_responses(401, 403, 404, 409, 413, 422, 429),
)
def publish_version(
    slug: Slug,
    caller: Seller,
    file: Annotated[UploadFile, File(description="The code, as one .zip archive.")],
    version: Annotated[str, Form(min_length=1, max_length=64, description="e.g. 1.2.0")],
    changelog: Annotated[str, Form(max_length=20_000)] = "",
    publish: Annotated[bool, Form(description="Publish at once (and the listing too).")] = True,
) -> VersionCreated:
    with session_scope() as session:
        outcome = selling.upload_version(
            session=session,
            seller=caller.user,
            slug=slug,
            version=version,
            changelog=changelog,
            filename=file.filename or "upload.zip",
            stream=file.file,
            publish=publish,
        )
    return VersionCreated(
        listing_slug=slug,
        version_id=outcome.version_id,
        version=outcome.version,
        file_count=outcome.file_count,
        published=outcome.published,
        listing_status=outcome.listing_status,
        warnings=outcome.warnings,
    )
