from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts.profiles import (
    PROFILE_PAGE_SIZE,
    CreatorProfile,
    creator_listings,
    creator_profile,
)
from vibecoder.domain.catalog.cards import ListingCard
from vibecoder.domain.paging import page_count
from vibecoder.state.auth import AuthState
from vibecoder.state.offloop import in_thread


class ProfileState(AuthState):
    creator: CreatorProfile | None = None
    listings: list[ListingCard] = []
    total: int = 0
    page: int = 1
    not_found: bool = False

    @rx.var
    def pages(self) -> int:
        return page_count(self.total, PROFILE_PAGE_SIZE)

    def _username(self) -> str:
        return str(self.router.page.params.get("username", ""))

    @rx.event
    async def load(self):
        username = self._username()

        def open_profile(session, _viewer):
            return (
                creator_profile(session=session, username=username),
                creator_listings(session=session, username=username, page=1),
            )

        outcome = await self._call(open_profile, error=None, signed_in=False)
        if not outcome.ok:
            self.creator, self.not_found = None, True
            return
        self.creator, (self.listings, self.total) = outcome.value
        self.not_found, self.page = False, 1

    @rx.event
    async def go_to_page(self, page: int):
        username, page = self._username(), int(page)
        self.listings, self.total = await in_thread(
            lambda session: creator_listings(session=session, username=username, page=page)
        )
        self.page = page
