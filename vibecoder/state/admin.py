"""/admin: one page of each admin list, and the reason dialog every admin action goes through.

Whether the viewer is an admin is decided here on the server at every event (the services check
it again); a refused viewer gets no rows at all, only the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import reflex as rx

from vibecoder.domain.errors import PermissionDenied, ServiceError
from vibecoder.domain.moderation import admin
from vibecoder.domain.moderation.admin import (
    AdminListingRow,
    AdminPurchaseRow,
    AdminUserRow,
    AuditRow,
    PlatformMetrics,
    ReportRow,
)
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User

# action -> (dialog title, confirm button, sentence shown after success)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "resolve_report": ("Resolve report", "Resolve", "Report resolved."),
    "dismiss_report": ("Dismiss report", "Dismiss", "Report dismissed."),
    "take_down": ("Take down listing", "Take down", "Listing taken down."),
    "restore_listing": ("Restore listing", "Restore", "Listing restored."),
    "suspend": ("Suspend user", "Suspend", "User suspended; their sessions are ended."),
    "restore_user": ("Restore user", "Restore", "User restored."),
    "refund": ("Refund order", "Refund", "Order refunded; its licence is disabled."),
}
DESCRIPTIONS: dict[str, str] = {
    "resolve_report": "Mark the report as handled.",
    "dismiss_report": "Close the report without action.",
    "take_down": "It disappears from browse, search and profiles; buyers keep their downloads.",
    "restore_listing": "It returns to the marketplace unless its seller is suspended.",
    "suspend": "They cannot sign in, every session ends and their listings are hidden.",
    "restore_user": "They can sign in again and their listings come back.",
    "refund": "The buyer gets their money back; downloads close and the licence is disabled.",
}


class AdminState(AuthState):
    checked: bool = False
    allowed: bool = False
    tab: str = "reports"
    message: str = ""
    error: str = ""

    metrics: PlatformMetrics | None = None

    reports: list[ReportRow] = []
    reports_status: str = "open"
    reports_page: int = 1
    reports_pages: int = 1
    reports_total: int = 0

    listings: list[AdminListingRow] = []
    listings_q: str = ""
    listings_status: str = "any"
    listings_page: int = 1
    listings_pages: int = 1
    listings_total: int = 0

    users: list[AdminUserRow] = []
    users_q: str = ""
    users_filter: str = "all"
    users_page: int = 1
    users_pages: int = 1
    users_total: int = 0

    purchases: list[AdminPurchaseRow] = []
    purchases_q: str = ""
    purchases_page: int = 1
    purchases_pages: int = 1
    purchases_total: int = 0

    audit: list[AuditRow] = []
    audit_action: str = "all"
    audit_page: int = 1
    audit_pages: int = 1
    audit_total: int = 0

    dialog_open: bool = False
    dialog_action: str = ""
    dialog_target: int = 0
    dialog_subject: str = ""
    dialog_error: str = ""
    busy: bool = False

    @rx.var
    def dialog_title(self) -> str:
        return ACTIONS.get(self.dialog_action, ("", "", ""))[0]

    @rx.var
    def dialog_confirm(self) -> str:
        return ACTIONS.get(self.dialog_action, ("", "Confirm", ""))[1]

    @rx.var
    def dialog_description(self) -> str:
        return DESCRIPTIONS.get(self.dialog_action, "")

    # --- access ------------------------------------------------------------------------------

    def _refuse(self) -> None:
        self.allowed = False
        self.metrics = None
        self.reports, self.listings, self.users, self.purchases, self.audit = [], [], [], [], []
        self.dialog_open = False

    async def _admin(self) -> bool:
        user = await self._current_user()
        if user is None or user.role != "admin":
            self._refuse()
            return False
        self.allowed = True
        return True

    # --- loading -----------------------------------------------------------------------------

    def _queries(self) -> dict[str, Callable[[Session, User], tuple[list, int, int]]]:
        """Each section's page query, with its filters read here (on the loop) for the thread."""
        reports = {"status": self.reports_status, "page": self.reports_page}
        listings = {
            "q": self.listings_q,
            "status": self.listings_status,
            "page": self.listings_page,
        }
        users = {"q": self.users_q, "filter": self.users_filter, "page": self.users_page}
        purchases = {"q": self.purchases_q, "page": self.purchases_page}
        audit = {"action": self.audit_action, "page": self.audit_page}
        return {
            "reports": lambda s, u: admin.list_reports(session=s, actor=u, **reports),
            "listings": lambda s, u: admin.search_listings(session=s, actor=u, **listings),
            "users": lambda s, u: admin.search_users(session=s, actor=u, **users),
            "purchases": lambda s, u: admin.search_purchases(session=s, actor=u, **purchases),
            "audit": lambda s, u: admin.audit_log(session=s, actor=u, **audit),
        }

    async def _fill(self, *sections: str) -> None:
        queries = self._queries()
        chosen = sections or tuple(queries)

        def fill(session: Session, user: User):
            if user.role != "admin":
                return None
            metrics = admin.platform_metrics(session=session, actor=user)
            return metrics, {name: queries[name](session, user) for name in chosen}

        def refused(exc: ServiceError) -> None:
            if isinstance(exc, PermissionDenied):
                self._refuse()
            else:
                self.error = exc.message

        outcome = await self._call(fill, error=refused)
        is_admin = outcome.viewer is not None and outcome.viewer.role == "admin"
        if not is_admin or (outcome.ok and outcome.value is None):
            self._refuse()
            return
        if isinstance(outcome.error, PermissionDenied):
            return  # `refused` has hidden the page already
        self.allowed = True
        if not outcome.ok:
            return
        self.metrics, results = outcome.value
        for name, (items, total, pages) in results.items():
            setattr(self, name, items)
            setattr(self, f"{name}_total", total)
            setattr(self, f"{name}_pages", pages)
            setattr(self, f"{name}_page", min(getattr(self, f"{name}_page"), pages))

    @rx.event
    async def load(self):
        self.message = self.error = ""
        self.dialog_open = False
        await self._fill()
        self.checked = True

    @rx.event
    def set_tab(self, value: str):
        self.tab = str(value)

    @rx.event
    async def filter_reports(self, status: str):
        self.reports_status, self.reports_page = str(status), 1
        await self._fill("reports")

    @rx.event
    async def reports_go(self, page: int):
        self.reports_page = max(int(page), 1)
        await self._fill("reports")

    @rx.event
    async def search_listings(self, form: dict):
        self.listings_q, self.listings_page = str(form.get("q", "")).strip()[:200], 1
        await self._fill("listings")

    @rx.event
    async def filter_listings(self, status: str):
        self.listings_status, self.listings_page = str(status), 1
        await self._fill("listings")

    @rx.event
    async def listings_go(self, page: int):
        self.listings_page = max(int(page), 1)
        await self._fill("listings")

    @rx.event
    async def search_users(self, form: dict):
        self.users_q, self.users_page = str(form.get("q", "")).strip()[:200], 1
        await self._fill("users")

    @rx.event
    async def filter_users(self, value: str):
        self.users_filter, self.users_page = str(value), 1
        await self._fill("users")

    @rx.event
    async def users_go(self, page: int):
        self.users_page = max(int(page), 1)
        await self._fill("users")

    @rx.event
    async def search_purchases(self, form: dict):
        self.purchases_q, self.purchases_page = str(form.get("q", "")).strip()[:200], 1
        await self._fill("purchases")

    @rx.event
    async def purchases_go(self, page: int):
        self.purchases_page = max(int(page), 1)
        await self._fill("purchases")

    @rx.event
    async def filter_audit(self, action: str):
        self.audit_action, self.audit_page = str(action), 1
        await self._fill("audit")

    @rx.event
    async def audit_go(self, page: int):
        self.audit_page = max(int(page), 1)
        await self._fill("audit")

    # --- actions -----------------------------------------------------------------------------

    @rx.event
    async def ask(self, action: str, target_id: int, subject: str):
        """Open the reason dialog for an action; nothing happens until it is confirmed."""
        if action not in ACTIONS or not await self._admin():
            return
        self.dialog_action, self.dialog_target = action, int(target_id)
        self.dialog_subject, self.dialog_error = str(subject)[:200], ""
        self.dialog_open = True

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = bool(value)

    @rx.event
    async def confirm(self, form: dict):
        self.dialog_error = self.message = self.error = ""
        action, target = self.dialog_action, self.dialog_target
        reason = str(form.get("reason", ""))
        act = {
            "resolve_report": lambda **kw: admin.resolve_report(report_id=target, **kw),
            "dismiss_report": lambda **kw: admin.dismiss_report(report_id=target, **kw),
            "take_down": lambda **kw: admin.take_down_listing(listing_id=target, **kw),
            "restore_listing": lambda **kw: admin.restore_listing(listing_id=target, **kw),
            "suspend": lambda **kw: admin.suspend_user(user_id=target, **kw),
            "restore_user": lambda **kw: admin.restore_user(user_id=target, **kw),
            "refund": lambda **kw: admin.refund_purchase(purchase_id=target, **kw),
        }.get(action)

        def refused(exc: ServiceError) -> None:
            if isinstance(exc, PermissionDenied) and exc.code == "admin_only":
                self._refuse()
            else:
                self.dialog_error = exc.message

        def run(session: Session, user: User) -> bool:
            if user.role != "admin":
                return False
            if act is not None:
                act(session=session, actor=user, reason=reason)
            return True

        self.busy = True
        yield
        outcome = await self._call(run, error=refused)
        self.busy = False
        if outcome.signed_out or (outcome.ok and not outcome.value):
            self._refuse()
            return
        if not outcome.ok or act is None:
            return
        self.dialog_open = False
        self.message = f"{ACTIONS[action][2]} ({self.dialog_subject})"
        await self._fill()
