from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts.profiles import (
    PROFILE_PAGE_SIZE,
    CreatorProfile,
    creator_listings,
    creator_profile,
)
from vibecoder.domain.catalog.cards import ListingCard
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.state.auth import AuthState


class ProfileState(AuthState):
    creator: CreatorProfile | None = None
    listings: list[ListingCard] = []
    total: int = 0
    page: int = 1
    not_found: bool = False

    @rx.var
    def pages(self) -> int:
        return max((self.total + PROFILE_PAGE_SIZE - 1) // PROFILE_PAGE_SIZE, 1)

    def _username(self) -> str:
        return str(self.router.page.params.get("username", ""))

    @rx.event
    def load(self):
        self.load_user()
        try:
            with session_scope() as session:
                self.creator = creator_profile(session=session, username=self._username())
                self.listings, self.total = creator_listings(
                    session=session, username=self._username(), page=1
                )
        except ServiceError:
            self.creator, self.not_found = None, True
            return
        self.not_found, self.page = False, 1

    @rx.event
    def go_to_page(self, page: int):
        with session_scope() as session:
            self.listings, self.total = creator_listings(
                session=session, username=self._username(), page=int(page)
            )
        self.page = int(page)
