"""/me/purchases and /purchases: what I bought, buying (checkout URL) or claiming a free
listing, and signed download links with the archive's SHA-256 and the license key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from vibecoder.api.v1.common import CursorParam, Limit, decode_cursor, encode_cursor
from vibecoder.api.v1.deps import Purchaser, Reader
from vibecoder.api.v1.problems import error_responses
from vibecoder.domain.commerce import my_purchases as purchases
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.settings import get_settings

router = APIRouter(tags=["purchases"])
PurchaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Version = Annotated[str | None, Query(min_length=1, max_length=64)]


class PurchaseBase(BaseModel):
    listing_slug: str = Field(min_length=1, max_length=200)


class PurchaseCreate(PurchaseBase):
    """Buy (paid listing: a checkout to pay in the browser) or claim (free listing: at once)."""


class PurchasePublic(PurchaseBase):
    id: int
    listing_title: str
    status: str = Field(description="pending, paid, refunded, disputed or canceled")
    amount_cents: int
    currency: str
    created_at: datetime
    paid_at: datetime | None
    access_until: datetime | None


class PurchasePage(BaseModel):
    items: list[PurchasePublic]
    next_cursor: str | None


class CheckoutPublic(BaseModel):
    purchase_id: int
    status: str
    checkout_url: str | None = Field(
        description=(
            "Open it to pay; null when the listing was free (claimed) or already owned. With "
            "the test gateway a program pays by POSTing `card_number` to it with the same "
            "`Authorization` header (a key with the `purchase` scope)."
        )
    )


class ChangelogEntryPublic(BaseModel):
    version: str
    changelog: str
    published_at: datetime | None


class DownloadPublic(BaseModel):
    purchase_id: int
    listing_slug: str
    version_id: int
    version: str
    url: str = Field(description="A signed link to the zip; valid for `expires_in` seconds.")
    expires_in: int
    filename: str
    sha256: str = Field(description="SHA-256 of the zip the link serves.")
    size_bytes: int = Field(description="Total size of the files (uncompressed).")
    license_key: str
    changelog_since: list[ChangelogEntryPublic]


def _public(row: purchases.PurchaseRow) -> PurchasePublic:
    p, listing = row.purchase, row.listing
    return PurchasePublic(
        id=p.id,
        listing_slug=listing.slug,
        listing_title=listing.title,
        status=p.status,
        amount_cents=p.amount_cents,
        currency=p.currency,
        created_at=p.created_at,
        paid_at=p.paid_at,
        access_until=p.current_period_end,
    )


@router.get(
    "/me/purchases",
    response_model=PurchasePage,
    summary="My purchases, newest first",
    responses=error_responses(401, 403, 422, 429),
)
def my_purchases(caller: Reader, limit: Limit = 20, cursor: CursorParam = None) -> PurchasePage:
    before = decode_cursor(cursor, "b")
    with session_scope() as session:
        rows, next_id = purchases.list_purchases(
            session=session,
            user=caller.user,
            before_id=before["b"] if before else None,
            limit=limit,
        )
        items = [_public(row) for row in rows]
    return PurchasePage(items=items, next_cursor=encode_cursor({"b": next_id}) if next_id else None)


@router.get(
    "/me/purchases/{purchase_id}",
    response_model=PurchasePublic,
    summary="One of my purchases",
    responses=error_responses(401, 403, 404, 422, 429),
)
def get_purchase(purchase_id: PurchaseId, caller: Reader) -> PurchasePublic:
    with session_scope() as session:
        return _public(
            purchases.get_purchase(session=session, user=caller.user, purchase_id=purchase_id)
        )


@router.post(
    "/purchases",
    response_model=CheckoutPublic,
    status_code=201,
    summary="Start a checkout (paid) or claim a free listing",
    responses=error_responses(401, 403, 404, 409, 422, 429, 502),
)
def create_purchase(body: PurchaseCreate, caller: Purchaser) -> CheckoutPublic:
    started = purchases.start_purchase(buyer_id=caller.user.id, slug=body.listing_slug)
    return CheckoutPublic(
        purchase_id=started.purchase_id, status=started.status, checkout_url=started.checkout_url
    )


@router.get(
    "/listings/{slug}/download",
    response_model=DownloadPublic,
    summary="A signed download link for a version of a listing I own",
    responses=error_responses(401, 403, 404, 422, 429),
)
def download(
    slug: Annotated[str, Path(min_length=1, max_length=200)],
    caller: Reader,
    version: Version = None,
    since: Annotated[
        str | None, Query(max_length=64, description="The version you have: changelog since.")
    ] = None,
) -> DownloadPublic:
    with session_scope() as session:
        found = purchases.download_for(
            session=session,
            redis_client=get_redis(),
            user=caller.user,
            slug=slug,
            version=version,
            since=since or None,
            ttl_seconds=get_settings().download_url_ttl_seconds,
        )
    return DownloadPublic(
        purchase_id=found.purchase_id,
        listing_slug=found.listing_slug,
        version_id=found.version_id,
        version=found.version,
        url=found.url,
        expires_in=found.expires_in,
        filename=found.filename,
        sha256=found.sha256,
        size_bytes=found.size_bytes,
        license_key=found.license_key,
        changelog_since=[
            ChangelogEntryPublic(
                version=e.version, changelog=e.changelog, published_at=e.published_at
            )
            for e in found.changelog_since
        ],
    )
