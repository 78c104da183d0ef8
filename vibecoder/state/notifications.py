"""The navbar bell: unread count and the latest notices of the signed-in user."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts import notifications
from vibecoder.domain.accounts.notifications import NotificationView
from vibecoder.infra.db import session_scope
from vibecoder.state.auth import AuthState


class NotificationsState(AuthState):
    unread: int = 0
    items: list[NotificationView] = []

    @rx.event
    def load(self):
        user = self.current_user()
        if user is None:
            self.unread, self.items = 0, []
            return
        with session_scope() as session:
            self.unread = notifications.unread_count(session=session, user_id=user.id)

    @rx.event
    def open(self, is_open: bool):
        """Opening the bell lists the latest notices and marks them read."""
        if not is_open:
            return
        user = self.current_user()
        if user is None:
            return
        with session_scope() as session:
            self.items = notifications.recent(session=session, user_id=user.id, limit=15)
            notifications.mark_all_read(session=session, user_id=user.id)
        self.unread = 0
