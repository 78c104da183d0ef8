"""/admin: one page of each admin list, and the reason dialog every admin action goes through.

Whether the viewer is an admin is decided here on the server at every event (the services check
it again); a refused viewer gets no rows at all, only the refusal.
"""

from __future__ import annotations

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
from vibecoder.infra.db import session_scope
from vibecoder.models.users import User
from vibecoder.state.auth import AuthState

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

    def _admin(self) -> User | None:
        user = self.refreshed_user()
        if user is None or user.role != "admin":
            self._refuse()
            return None
        self.allowed = True
        return user

    # --- loading -----------------------------------------------------------------------------

    def _fill_reports(self, session, user: User) -> None:
        self.reports, self.reports_total, self.reports_pages = admin.list_reports(
            session=session, actor=user, status=self.reports_status, page=self.reports_page
        )
        self.reports_page = min(self.reports_page, self.reports_pages)

    def _fill_listings(self, session, user: User) -> None:
        self.listings, self.listings_total, self.listings_pages = admin.search_listings(
            session=session,
            actor=user,
            q=self.listings_q,
            status=self.listings_status,
            page=self.listings_page,
        )
        self.listings_page = min(self.listings_page, self.listings_pages)

    def _fill_users(self, session, user: User) -> None:
        self.users, self.users_total, self.users_pages = admin.search_users(
            session=session,
            actor=user,
            q=self.users_q,
            filter=self.users_filter,
            page=self.users_page,
        )
        self.users_page = min(self.users_page, self.users_pages)

    def _fill_purchases(self, session, user: User) -> None:
        self.purchases, self.purchases_total, self.purchases_pages = admin.search_purchases(
            session=session, actor=user, q=self.purchases_q, page=self.purchases_page
        )
        self.purchases_page = min(self.purchases_page, self.purchases_pages)

    def _fill_audit(self, session, user: User) -> None:
        self.audit, self.audit_total, self.audit_pages = admin.audit_log(
            session=session, actor=user, action=self.audit_action, page=self.audit_page
        )
        self.audit_page = min(self.audit_page, self.audit_pages)

    def _fill(self, *sections: str) -> None:
        user = self._admin()
        if user is None:
            return
        try:
            with session_scope() as session:
                self.metrics = admin.platform_metrics(session=session, actor=user)
                for section in sections or ("reports", "listings", "users", "purchases", "audit"):
                    getattr(self, f"_fill_{section}")(session, user)
        except PermissionDenied:
            self._refuse()
        except ServiceError as exc:
            self.error = exc.message

    @rx.event
    def load(self):
        self.message = self.error = ""
        self.dialog_open = False
        self._fill()
        self.checked = True

    @rx.event
    def set_tab(self, value: str):
        self.tab = str(value)

    @rx.event
    def filter_reports(self, status: str):
        self.reports_status, self.reports_page = str(status), 1
        self._fill("reports")

    @rx.event
    def reports_go(self, page: int):
        self.reports_page = max(int(page), 1)
        self._fill("reports")

    @rx.event
    def search_listings(self, form: dict):
        self.listings_q, self.listings_page = str(form.get("q", "")).strip()[:200], 1
        self._fill("listings")

    @rx.event
    def filter_listings(self, status: str):
        self.listings_status, self.listings_page = str(status), 1
        self._fill("listings")

    @rx.event
    def listings_go(self, page: int):
        self.listings_page = max(int(page), 1)
        self._fill("listings")

    @rx.event
    def search_users(self, form: dict):
        self.users_q, self.users_page = str(form.get("q", "")).strip()[:200], 1
        self._fill("users")

    @rx.event
    def filter_users(self, value: str):
        self.users_filter, self.users_page = str(value), 1
        self._fill("users")

    @rx.event
    def users_go(self, page: int):
        self.users_page = max(int(page), 1)
        self._fill("users")

    @rx.event
    def search_purchases(self, form: dict):
        self.purchases_q, self.purchases_page = str(form.get("q", "")).strip()[:200], 1
        self._fill("purchases")

    @rx.event
    def purchases_go(self, page: int):
        self.purchases_page = max(int(page), 1)
        self._fill("purchases")

    @rx.event
    def filter_audit(self, action: str):
        self.audit_action, self.audit_page = str(action), 1
        self._fill("audit")

    @rx.event
    def audit_go(self, page: int):
        self.audit_page = max(int(page), 1)
        self._fill("audit")

    # --- actions -----------------------------------------------------------------------------

    @rx.event
    def ask(self, action: str, target_id: int, subject: str):
        """Open the reason dialog for an action; nothing happens until it is confirmed."""
        if action not in ACTIONS or self._admin() is None:
            return
        self.dialog_action, self.dialog_target = action, int(target_id)
        self.dialog_subject, self.dialog_error = str(subject)[:200], ""
        self.dialog_open = True

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = bool(value)

    @rx.event
    def confirm(self, form: dict):
        self.dialog_error = self.message = self.error = ""
        user = self._admin()
        if user is None:
            return
        action, target = self.dialog_action, self.dialog_target
        reason = str(form.get("reason", ""))
        self.busy = True
        try:
            with session_scope() as session:
                kwargs = {"session": session, "actor": user, "reason": reason}
                if action == "resolve_report":
                    admin.resolve_report(report_id=target, **kwargs)
                elif action == "dismiss_report":
                    admin.dismiss_report(report_id=target, **kwargs)
                elif action == "take_down":
                    admin.take_down_listing(listing_id=target, **kwargs)
                elif action == "restore_listing":
                    admin.restore_listing(listing_id=target, **kwargs)
                elif action == "suspend":
                    admin.suspend_user(user_id=target, **kwargs)
                elif action == "restore_user":
                    admin.restore_user(user_id=target, **kwargs)
                elif action == "refund":
                    admin.refund_purchase(purchase_id=target, **kwargs)
                else:
                    return
        except PermissionDenied as exc:
            if exc.code == "admin_only":
                self._refuse()
            else:
                self.dialog_error = exc.message
            return
        except ServiceError as exc:
            self.dialog_error = exc.message
            return
        finally:
            self.busy = False
        self.dialog_open = False
        self.message = f"{ACTIONS[action][2]} ({self.dialog_subject})"
        self._fill()
