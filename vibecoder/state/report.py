"""The "Report listing" dialog on a listing page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.moderation import reports as moderation
from vibecoder.infra import ratelimit
from vibecoder.settings import get_settings
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User


class ReportState(AuthState):
    dialog_open: bool = False
    category: str = ""
    error: str = ""
    message: str = ""
    busy: bool = False

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = bool(value)
        if self.dialog_open:
            self.error = ""

    @rx.event
    def set_category(self, value: str):
        self.category = str(value)

    @rx.event
    def reset_report(self):
        self.dialog_open, self.category, self.error, self.message = False, "", "", ""

    @rx.event
    async def submit(self, form: dict):
        self.error = ""
        slug, category = str(self.router.page.params.get("slug", "")), self.category

        def report(session: Session, user: User) -> None:
            ratelimit.check(
                "reports",
                str(user.id),
                limit=f"{get_settings().reports_per_user_per_hour}/hour",
                message="You have sent many reports this hour; try again later.",
            )
            listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=user)
            moderation.report_listing(
                session=session,
                reporter=user,
                listing_id=listing.id,
                category=category,
                details=str(form.get("details", "")),
            )

        self.busy = True
        yield
        outcome = await self._call(report)
        self.busy = False
        if outcome.signed_out:
            self.error = "Sign in to report a listing."
        if not outcome.ok:
            return
        self.dialog_open = False
        self.category = ""
        self.message = "Thanks — your report was sent to our moderators."
