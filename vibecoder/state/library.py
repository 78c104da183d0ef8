"""/library: the buyer's purchases, one page at a time; keys are revealed one at a time."""

from __future__ import annotations

import asyncio

import reflex as rx

from vibecoder.domain.commerce import downloads, licensing
from vibecoder.domain.commerce.library import LibraryEntry, library_page
from vibecoder.domain.paging import page_count
from vibecoder.state.auth import AuthState
from vibecoder.state.notifications import NotificationsState
from vibecoder.state.purchase import go_to

PAGE_SIZE = 10
WAIT_SECONDS = 30.0


class LibraryState(AuthState):
    entries: list[LibraryEntry] = []
    total: int = 0
    page: int = 1
    signed_out: bool = False
    message: str = ""
    error: str = ""
    watching: bool = False

    @rx.var
    def pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    @rx.var
    def processing(self) -> bool:
        return any(e.status == "pending" for e in self.entries)

    async def _fill(self) -> bool:
        page = self.page
        outcome = await self._call(
            lambda session, user: library_page(
                session=session, user=user, page=page, page_size=PAGE_SIZE
            ),
            error=None,
        )
        if outcome.signed_out:
            self.signed_out, self.entries, self.total = True, [], 0
            return False
        self.signed_out = False
        entries, self.total = outcome.value
        # Keys stay out of state unless asked for: the list carries masked ones only.
        self.entries = [e.model_copy(update={"license_key": e.license_masked}) for e in entries]
        return True

    @rx.event
    async def load(self):
        self.page, self.message, self.error = 1, "", ""
        if not await self._fill():
            return
        # The bell may have counted before the worker wrote the receipt: count again.
        if self.processing and not self.watching:
            return [NotificationsState.load, LibraryState.wait_for_fulfilment]
        return NotificationsState.load

    @rx.event(background=True)
    async def wait_for_fulfilment(self):
        """Payment done, fulfilment on its way in the worker: refresh until it lands."""
        async with self:
            self.watching = True
        waited, done = 0.0, False
        try:
            while waited < WAIT_SECONDS and not done:
                await asyncio.sleep(0.5)
                waited += 0.5
                async with self:
                    await self._fill()
                    done = not self.processing
        finally:
            async with self:
                self.watching = False
        if done:
            yield NotificationsState.load  # the receipt notice came with it

    @rx.event
    async def go_to_page(self, page: int):
        self.page = max(int(page), 1)
        await self._fill()

    @rx.event
    async def free_slot(self, activation_id: int):
        self.message = self.error = ""
        outcome = await self._call(
            lambda session, user: licensing.free_activation(
                session=session, owner=user, activation_id=int(activation_id)
            )
        )
        if not outcome.ok:
            return
        self.message = "Activation slot freed."
        await self._fill()

    @rx.event
    async def download(self, purchase_id: int, version_id: int):
        self.error = ""
        outcome = await self._call(
            lambda session, user: downloads.create_link(
                session=session,
                user=user,
                purchase_id=int(purchase_id),
                version_id=int(version_id),
            )
        )
        if outcome.ok:
            return go_to(outcome.value)
