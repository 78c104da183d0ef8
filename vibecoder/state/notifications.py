"""The navbar bell: unread count and the latest notices of the signed-in user."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts import notifications
from vibecoder.domain.accounts.notifications import NotificationView
from vibecoder.state.auth import AuthState


class NotificationsState(AuthState):
    unread: int = 0
    items: list[NotificationView] = []

    @rx.event
    async def load(self):
        outcome = await self._call(
            lambda session, user: notifications.unread_count(session=session, user_id=user.id)
        )
        self.unread = outcome.value if outcome.ok else 0
        if outcome.signed_out:
            self.items = []

    @rx.event
    async def open(self, is_open: bool):
        """Opening the bell lists the latest notices and marks them read."""
        if not is_open:
            return

        def read(session, user) -> list[NotificationView]:
            items = notifications.recent(session=session, user_id=user.id, limit=15)
            notifications.mark_all_read(session=session, user_id=user.id)
            return items

        outcome = await self._call(read)
        if outcome.ok:
            self.items, self.unread = outcome.value, 0
