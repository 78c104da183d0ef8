"""Listing page state: one listing's view model, the open file, and one page of reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import reflex as rx

from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog import reviews as review_service
from vibecoder.domain.catalog.code_viewer import read_for_viewer
from vibecoder.domain.catalog.detail import (
    REVIEWS_PAGE_SIZE,
    ListingView,
    ReviewEntry,
    listing_view,
    reviews_page,
)
from vibecoder.domain.moderation.reports import removed_notice
from vibecoder.domain.paging import page_count
from vibecoder.infra import ratelimit
from vibecoder.settings import get_settings
from vibecoder.state.auth import AuthState
from vibecoder.state.offloop import in_thread

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User


class ListingState(AuthState):
    listing: ListingView | None = None
    not_found: bool = False
    # Set when the slug is a listing removed by moderation (a notice instead of "not found").
    removed_notice: str = ""
    selected_path: str = ""
    code: str = ""
    code_language: str = "text"
    code_notice: str = ""
    reviews: list[ReviewEntry] = []
    reviews_total: int = 0
    reviews_page: int = 1
    review_error: str = ""
    review_message: str = ""
    # The "Live demo" tab's frame: the site on the preview origin ("" when not offered).
    demo_url: str = ""

    @rx.var
    def reviews_pages(self) -> int:
        return page_count(self.reviews_total, REVIEWS_PAGE_SIZE)

    @rx.event
    async def load(self):
        slug = str(
            self.router.url.query_parameters.get("slug") or self.router.page.params.get("slug", "")
        )
        self.review_error = self.review_message = ""

        def open_listing(session: Session, viewer: User | None):
            view = listing_view(session=session, slug=slug, viewer=viewer)
            return view, reviews_page(session=session, listing_id=view.id, page=1)

        outcome = await self._call(open_listing, error=None, signed_in=False)
        if not outcome.ok:
            self.listing = None
            self.demo_url = ""
            self.not_found = True
            self.removed_notice = await self._removed_notice(slug)
            return
        view, (self.reviews, self.reviews_total) = outcome.value
        self.not_found = False
        self.removed_notice = ""
        self.listing = view
        self.demo_url = (
            f"{get_settings().public_preview_url}/preview/demo/{view.slug}/"
            + quote(view.demo_entry)
            if view.demo_entry
            else ""
        )
        self.reviews_page = 1
        await self._open(view.default_file)
        # The websocket's own Referer is this app; where the visitor came from is only known
        # to the page, so ask it before counting the view.
        return rx.call_script("document.referrer", callback=ListingState.count_view)

    async def _removed_notice(self, slug: str) -> str:
        outcome = await self._call(
            lambda session, viewer: removed_notice(session=session, slug=slug, viewer=viewer),
            signed_in=False,
        )
        return outcome.value or ""

    @rx.event
    async def count_view(self, referrer: str = ""):
        if self.listing is None:
            return
        from vibecoder.domain.analytics.events import record_view_later

        viewer = await self._current_user()
        record_view_later(
            listing_id=self.listing.id,
            visitor=self.router.session.client_token or self.client_ip(),
            referrer=str(referrer or "")[:500],
            utm_source=self.router.url.query_parameters.get("utm_source", ""),
            user_id=viewer.id if viewer else None,
        )

    async def _open(self, path: str) -> None:
        self.selected_path = path
        self.code = self.code_notice = ""
        self.code_language = "text"
        if not path or self.listing is None or self.listing.latest_version_id is None:
            return
        version_id = self.listing.latest_version_id
        hashed = self._session_hash()

        def read(session: Session):
            # What this viewer may see of a paid listing (the code-viewer policy).
            viewer = auth.user_for_session_hash(session=session, hashed=hashed) if hashed else None
            return read_for_viewer(session=session, version_id=version_id, path=path, viewer=viewer)

        excerpt = await in_thread(read)
        self.code, self.code_language, self.code_notice = (
            excerpt.text,
            excerpt.language,
            excerpt.notice,
        )

    @rx.event
    async def open_file(self, path: str):
        await self._open(path)

    @rx.event
    async def go_to_reviews_page(self, page: int):
        if self.listing is None:
            return
        listing_id, page = self.listing.id, int(page)
        self.reviews, self.reviews_total = await in_thread(
            lambda session: reviews_page(session=session, listing_id=listing_id, page=page)
        )
        self.reviews_page = page

    @rx.event
    async def submit_review(self, form: dict):
        self.review_error = self.review_message = ""
        if self.listing is None:
            return
        try:
            rating = int(form.get("rating") or 0)
        except ValueError:
            rating = 0
        listing_id = self.listing.id

        def review(session: Session, user: User) -> None:
            ratelimit.check(
                "reviews",
                str(user.id),
                limit=f"{get_settings().reviews_per_user_per_hour}/hour",
                message="You have written many reviews this hour; try again later.",
            )
            review_service.upsert_review(
                session=session,
                buyer=user,
                listing_id=listing_id,
                rating=rating,
                body=str(form.get("body", "")),
            )

        outcome = await self._call(review, error="review_error")
        if outcome.signed_out:
            self.review_error = "Sign in to review."
        if not outcome.ok:
            return
        # The reload below clears messages: the confirmation is a toast that outlives it.
        return [ListingState.load, rx.toast.success("Thanks — your review is saved.")]

    @rx.event
    async def reply(self, form: dict):
        try:
            review_id = int(form.get("review_id") or 0)
        except ValueError:
            review_id = 0

        def reply(session: Session, user: User) -> None:
            ratelimit.check(
                "reviews",
                str(user.id),
                limit=f"{get_settings().reviews_per_user_per_hour}/hour",
                message="You have written many replies this hour; try again later.",
            )
            review_service.reply_to_review(
                session=session,
                seller=user,
                review_id=int(review_id),
                body=str(form.get("reply", "")),
            )

        outcome = await self._call(reply, error=None)
        if outcome.error is not None:
            return rx.toast.error(outcome.error.message)
        if outcome.ok:
            return ListingState.go_to_reviews_page(self.reviews_page)
