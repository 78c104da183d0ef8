"""The navbar bell: unread count; opening it lists the latest notices and marks them read."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.accounts.notifications import NotificationView
from vibecoder.state.notifications import NotificationsState as N


def _item(item: NotificationView) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.text(item.title, size="2", weight=rx.cond(item.unread, "bold", "regular")),
            rx.text(item.date, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
            padding_y="var(--space-1)",
        ),
        href=rx.cond(item.link != "", item.link, "#"),
        underline="none",
        color="inherit",
        class_name="notification-item",
    )


def notifications_bell() -> rx.Component:
    return rx.box(
        rx.cond(
            N.is_authenticated,
            rx.popover.root(
                rx.popover.trigger(
                    rx.button(
                        rx.icon("bell", size=18),
                        rx.cond(
                            N.unread > 0,
                            rx.badge(
                                N.unread, color_scheme="red", radius="full", id="unread-count"
                            ),
                        ),
                        variant="ghost",
                        aria_label="Notifications",
                        id="notifications-bell",
                    )
                ),
                rx.popover.content(
                    rx.vstack(
                        rx.heading("Notifications", size="3", as_="h2"),
                        rx.cond(
                            N.items.length() > 0,
                            rx.vstack(rx.foreach(N.items, _item), spacing="1", width="100%"),
                            rx.text("Nothing yet.", size="2", color_scheme="gray"),
                        ),
                        spacing="2",
                        width="300px",
                        max_height="420px",
                        overflow_y="auto",
                    ),
                    id="notifications-panel",
                ),
                on_open_change=N.open,
            ),
        ),
        on_mount=N.load,
    )
