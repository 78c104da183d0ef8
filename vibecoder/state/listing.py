"""Listing page state: one listing's view model, the open file, and one page of reviews."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.catalog import reviews as review_service
from vibecoder.domain.catalog.code_viewer import read_for_viewer
from vibecoder.domain.catalog.detail import (
    ListingView,
    ReviewEntry,
    listing_view,
    reviews_page,
)
from vibecoder.domain.errors import ServiceError
from vibecoder.domain.moderation.reports import removed_notice
from vibecoder.infra.db import session_scope
from vibecoder.state.auth import AuthState


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

    @rx.var
    def reviews_pages(self) -> int:
        return max((self.reviews_total + 9) // 10, 1)

    @rx.event
    def load(self):
        self.load_user()
        slug = self.router.url.query_parameters.get("slug") or self.router.page.params.get(
            "slug", ""
        )
        viewer = self.current_user()
        self.review_error = self.review_message = ""
        try:
            with session_scope() as session:
                view = listing_view(session=session, slug=str(slug), viewer=viewer)
                self.reviews, self.reviews_total = reviews_page(
                    session=session, listing_id=view.id, page=1
                )
        except ServiceError:
            self.listing = None
            self.not_found = True
            with session_scope() as session:
                self.removed_notice = removed_notice(session=session, slug=str(slug), viewer=viewer)
            return
        self.not_found = False
        self.removed_notice = ""
        self.listing = view
        self.reviews_page = 1
        self._open(view.default_file)
        # The websocket's own Referer is this app; where the visitor came from is only known
        # to the page, so ask it before counting the view.
        return rx.call_script("document.referrer", callback=ListingState.count_view)

    @rx.event
    def count_view(self, referrer: str = ""):
        if self.listing is None:
            return
        from vibecoder.domain.analytics.events import record_view_later

        viewer = self.current_user()
        record_view_later(
            listing_id=self.listing.id,
            visitor=self.router.session.client_token or self.client_ip(),
            referrer=str(referrer or "")[:500],
            utm_source=self.router.url.query_parameters.get("utm_source", ""),
            user_id=viewer.id if viewer else None,
        )

    def _open(self, path: str) -> None:
        self.selected_path = path
        self.code = self.code_notice = ""
        self.code_language = "text"
        if not path or self.listing is None or self.listing.latest_version_id is None:
            return
        with session_scope() as session:
            excerpt = read_for_viewer(
                session=session, version_id=self.listing.latest_version_id, path=path
            )
        self.code, self.code_language, self.code_notice = (
            excerpt.text,
            excerpt.language,
            excerpt.notice,
        )

    @rx.event
    def open_file(self, path: str):
        self._open(path)

    @rx.event
    def go_to_reviews_page(self, page: int):
        if self.listing is None:
            return
        with session_scope() as session:
            self.reviews, self.reviews_total = reviews_page(
                session=session, listing_id=self.listing.id, page=int(page)
            )
        self.reviews_page = int(page)

    @rx.event
    def submit_review(self, form: dict):
        self.review_error = self.review_message = ""
        user = self.current_user()
        if user is None:
            self.review_error = "Sign in to review."
            return
        if self.listing is None:
            return
        try:
            rating = int(form.get("rating") or 0)
        except ValueError:
            rating = 0
        try:
            with session_scope() as session:
                review_service.upsert_review(
                    session=session,
                    buyer=user,
                    listing_id=self.listing.id,
                    rating=rating,
                    body=str(form.get("body", "")),
                )
        except ServiceError as exc:
            self.review_error = exc.message
            return
        # The reload below clears messages: the confirmation is a toast that outlives it.
        return [ListingState.load, rx.toast.success("Thanks — your review is saved.")]

    @rx.event
    def reply(self, review_id: int, form: dict):
        user = self.current_user()
        if user is None:
            return
        try:
            with session_scope() as session:
                review_service.reply_to_review(
                    session=session,
                    seller=user,
                    review_id=int(review_id),
                    body=str(form.get("reply", "")),
                )
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return ListingState.go_to_reviews_page(self.reviews_page)
