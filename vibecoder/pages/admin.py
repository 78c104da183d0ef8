"""/admin: platform metrics, the reports queue, listings, users, orders and the audit log."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager
from vibecoder.components.layout import page, rich_callout
from vibecoder.components.tables import (
    count_label,
    empty_state,
    paged_table,
    search_form,
    select_menu,
    status_badge,
)
from vibecoder.domain.moderation.admin import (
    AdminListingRow,
    AdminPurchaseRow,
    AdminUserRow,
    AuditRow,
    ReportRow,
)
from vibecoder.models.moderation import AuditAction
from vibecoder.state.admin import AdminState as S
from vibecoder.state.auth import AuthState


def _action(label: str, action: str, target: rx.Var, subject: rx.Var, *, color="gray", id=None):
    return rx.button(
        label,
        size="1",
        variant="soft",
        color_scheme=color,
        on_click=S.ask(action, target, subject),
        aria_label=f"{label}: " + subject.to_string(),
        id=id,
        class_name=f"admin-{action}",
    )


# --- metrics -------------------------------------------------------------------------------------


def _metric(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.heading(value, size="5", as_="p", id=id),
            spacing="1",
        ),
        width="100%",
    )


def _metrics() -> rx.Component:
    m = S.metrics
    return rx.cond(
        m,
        rx.grid(
            _metric("GMV (last 30 days)", m.gmv, "metric-gmv"),
            _metric("Platform fees (30 days)", m.fees, "metric-fees"),
            _metric("Refunds (30 days)", m.refunds, "metric-refunds"),
            _metric("Active sellers (30 days)", m.active_sellers, "metric-active-sellers"),
            _metric("Published listings", m.published_listings, "metric-listings"),
            _metric("Buyers", m.buyers, "metric-buyers"),
            _metric("Open reports", m.open_reports, "metric-open-reports"),
            _metric("Taken-down listings", m.taken_down_listings, "metric-taken-down"),
            _metric("Suspended users", m.suspended_users, "metric-suspended"),
            columns=rx.breakpoints(initial="2", sm="3"),
            spacing="3",
            width="100%",
            id="admin-metrics",
        ),
    )


# --- reports -------------------------------------------------------------------------------------


def _report(row: ReportRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row.id),
        rx.table.cell(
            rx.vstack(
                rx.link(row.listing_title, href="/listing/" + row.listing_slug),
                status_badge(row.listing_status),
                spacing="1",
            )
        ),
        rx.table.cell(row.reporter),
        rx.table.cell(
            rx.vstack(
                rx.text(row.category_label, weight="medium", size="2"),
                rx.text(row.details, size="1", color_scheme="gray"),
                spacing="1",
                max_width="320px",
            )
        ),
        rx.table.cell(status_badge(row.status, "report-status")),
        rx.table.cell(row.created),
        rx.table.cell(
            rx.cond(
                row.status == "open",
                rx.hstack(
                    rx.cond(
                        row.listing_status != "taken_down",
                        _action(
                            "Take down listing",
                            "take_down",
                            row.listing_id,
                            row.listing_title,
                            color="red",
                            id="report-take-down-" + row.id.to_string(),
                        ),
                    ),
                    _action("Resolve", "resolve_report", row.id, "report #" + row.id.to_string()),
                    _action("Dismiss", "dismiss_report", row.id, "report #" + row.id.to_string()),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(row.resolution_note, size="1", color_scheme="gray"),
            )
        ),
        id="report-" + row.id.to_string(),
    )


def _reports() -> rx.Component:
    return rx.vstack(
        select_menu(
            S.reports_status,
            [
                ("open", "Open"),
                ("resolved", "Resolved"),
                ("dismissed", "Dismissed"),
                ("all", "All"),
            ],
            S.filter_reports,
            "Report status",
            "reports-status",
        ),
        paged_table(
            S.reports,
            _report,
            ["Report", "Listing", "Reporter", "Reason", "Status", "Filed", ""],
            "reports-table",
            pager(S.reports_page, S.reports_pages, S.reports_go),
            empty_state("No reports here. The queue is clear.", "reports-empty"),
        ),
        spacing="3",
        width="100%",
    )


# --- listings ------------------------------------------------------------------------------------


def _listing(row: AdminListingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row.id),
        rx.table.cell(
            rx.vstack(
                rx.link(row.title, href="/listing/" + row.slug),
                rx.cond(
                    row.hold_reason != "",
                    rx.text("Taken down: ", row.hold_reason, size="1", color_scheme="red"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(row.seller),
        rx.table.cell(status_badge(row.status, "listing-status")),
        rx.table.cell(row.price_label),
        rx.table.cell(row.sales_count),
        rx.table.cell(row.open_reports),
        rx.table.cell(
            rx.cond(
                row.taken_down,
                _action("Restore", "restore_listing", row.id, row.title, color="green"),
                _action("Take down", "take_down", row.id, row.title, color="red"),
            )
        ),
        id="admin-listing-" + row.id.to_string(),
    )


def _listings() -> rx.Component:
    return rx.vstack(
        rx.flex(
            search_form("Title, slug or seller", S.listings_q, S.search_listings, "listings-q"),
            select_menu(
                S.listings_status,
                [
                    ("any", "Any status"),
                    ("published", "Published"),
                    ("draft", "Draft"),
                    ("archived", "Archived"),
                    ("taken_down", "Taken down"),
                ],
                S.filter_listings,
                "Listing status",
                "listings-status",
            ),
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        count_label(S.listings_total, "listing", "listings"),
        paged_table(
            S.listings,
            _listing,
            ["#", "Listing", "Seller", "Status", "Price", "Sales", "Reports", ""],
            "admin-listings-table",
            pager(S.listings_page, S.listings_pages, S.listings_go),
            empty_state("No listings match.", "listings-empty"),
        ),
        spacing="3",
        width="100%",
    )


# --- users ---------------------------------------------------------------------------------------


def _user(row: AdminUserRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row.id),
        rx.table.cell(
            rx.vstack(
                rx.text(row.username, weight="medium", size="2"),
                rx.text(row.email, size="1", color_scheme="gray"),
                spacing="1",
            )
        ),
        rx.table.cell(rx.badge(row.role, variant="outline")),
        rx.table.cell(
            rx.cond(
                row.suspended,
                rx.vstack(
                    rx.badge("suspended", color_scheme="red"),
                    rx.text(row.suspended_reason, size="1", color_scheme="gray"),
                    spacing="1",
                ),
                rx.badge("active", color_scheme="green"),
            )
        ),
        rx.table.cell(row.listings),
        rx.table.cell(row.joined),
        rx.table.cell(
            rx.cond(
                row.suspended,
                _action("Restore", "restore_user", row.id, row.username, color="green"),
                _action("Suspend", "suspend", row.id, row.username, color="red"),
            )
        ),
        id="admin-user-" + row.id.to_string(),
    )


def _users() -> rx.Component:
    return rx.vstack(
        rx.flex(
            search_form("Email or username", S.users_q, S.search_users, "users-q"),
            select_menu(
                S.users_filter,
                [
                    ("all", "Everyone"),
                    ("suspended", "Suspended"),
                    ("seller", "Sellers"),
                    ("buyer", "Buyers"),
                    ("admin", "Admins"),
                ],
                S.filter_users,
                "Users shown",
                "users-filter",
            ),
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        count_label(S.users_total, "user", "users"),
        paged_table(
            S.users,
            _user,
            ["#", "User", "Role", "State", "Listings", "Joined", ""],
            "admin-users-table",
            pager(S.users_page, S.users_pages, S.users_go),
            empty_state("No users match.", "users-empty"),
        ),
        spacing="3",
        width="100%",
    )


# --- purchases -----------------------------------------------------------------------------------


def _purchase(row: AdminPurchaseRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row.id),
        rx.table.cell(rx.link(row.listing_title, href="/listing/" + row.listing_slug)),
        rx.table.cell(
            rx.vstack(
                rx.text(row.buyer, size="2"),
                rx.text(row.buyer_email, size="1", color_scheme="gray"),
                spacing="1",
            )
        ),
        rx.table.cell(row.seller),
        rx.table.cell(row.amount),
        rx.table.cell(status_badge(row.status, "purchase-status")),
        rx.table.cell(row.date),
        rx.table.cell(
            rx.cond(
                row.refundable,
                _action("Refund", "refund", row.id, "order #" + row.id.to_string(), color="red"),
            )
        ),
        id="admin-purchase-" + row.id.to_string(),
    )


def _purchases() -> rx.Component:
    return rx.vstack(
        search_form(
            "Order #, buyer email or listing",
            S.purchases_q,
            S.search_purchases,
            "purchases-q",
        ),
        count_label(S.purchases_total, "order", "orders"),
        paged_table(
            S.purchases,
            _purchase,
            ["Order", "Listing", "Buyer", "Seller", "Amount", "Status", "Date", ""],
            "admin-purchases-table",
            pager(S.purchases_page, S.purchases_pages, S.purchases_go),
            empty_state("No orders match.", "purchases-empty"),
        ),
        spacing="3",
        width="100%",
    )


# --- audit log -----------------------------------------------------------------------------------


def _audit(row: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.date, white_space="nowrap"),
        rx.table.cell(row.actor),
        rx.table.cell(rx.code(row.action, class_name="audit-action")),
        rx.table.cell(row.target),
        rx.table.cell(rx.text(row.reason, class_name="audit-reason", size="2")),
        rx.table.cell(rx.text(row.details, size="1", color_scheme="gray")),
    )


def _audit_log() -> rx.Component:
    return rx.vstack(
        rx.flex(
            select_menu(
                S.audit_action,
                [("all", "Every action"), *[(a.value, a.value) for a in AuditAction]],
                S.filter_audit,
                "Audit action",
                "audit-action",
            ),
            rx.text(
                "Newest first. Entries cannot be edited or deleted.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        paged_table(
            S.audit,
            _audit,
            ["When", "Admin", "Action", "Target", "Reason", "Details"],
            "audit-table",
            pager(S.audit_page, S.audit_pages, S.audit_go),
            empty_state("No admin actions yet.", "audit-empty"),
        ),
        spacing="3",
        width="100%",
    )


# --- the reason dialog ---------------------------------------------------------------------------


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title, ": ", S.dialog_subject),
            rx.dialog.description(S.dialog_description, size="2"),
            rx.form(
                rx.vstack(
                    rx.text(
                        "Reason (kept in the audit log)",
                        as_="label",
                        html_for="admin-reason",
                        size="2",
                    ),
                    rx.text_area(
                        name="reason",
                        id="admin-reason",
                        placeholder="Why are you doing this?",
                        required=True,
                        max_length=1000,
                        rows="3",
                        width="100%",
                    ),
                    rx.cond(
                        S.dialog_error != "",
                        rx.text(
                            S.dialog_error,
                            color_scheme="red",
                            size="2",
                            role="alert",
                            id="admin-dialog-error",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            S.dialog_confirm,
                            type="submit",
                            color_scheme="red",
                            loading=S.busy,
                            id="admin-confirm",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.confirm,
                # Kept on a refusal so the admin can fix it; the dialog unmounts when closed.
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )


def _tab(value: str, label: str, count: rx.Var | None = None) -> rx.Component:
    return rx.tabs.trigger(
        label,
        *(
            [rx.badge(count, variant="soft", margin_left="var(--space-1)")]
            if count is not None
            else []
        ),
        value=value,
        id=f"admin-tab-{value}",
    )


def _area() -> rx.Component:
    return rx.vstack(
        rx.heading("Admin", size="7", as_="h1"),
        rx.cond(
            S.message != "",
            rx.callout(S.message, icon="check", color_scheme="green", id="admin-message"),
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        _metrics(),
        rx.tabs.root(
            rx.box(
                rx.tabs.list(
                    _tab("reports", "Reports", rx.cond(S.metrics, S.metrics.open_reports, 0)),
                    _tab("listings", "Listings"),
                    _tab("users", "Users"),
                    _tab("purchases", "Orders"),
                    _tab("audit", "Audit log"),
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.tabs.content(rx.box(_reports(), padding_y="var(--space-4)"), value="reports"),
            rx.tabs.content(rx.box(_listings(), padding_y="var(--space-4)"), value="listings"),
            rx.tabs.content(rx.box(_users(), padding_y="var(--space-4)"), value="users"),
            rx.tabs.content(rx.box(_purchases(), padding_y="var(--space-4)"), value="purchases"),
            rx.tabs.content(rx.box(_audit_log(), padding_y="var(--space-4)"), value="audit"),
            value=S.tab,
            on_change=S.set_tab,
            width="100%",
        ),
        _dialog(),
        spacing="4",
        width="100%",
    )


def _refusal() -> rx.Component:
    return rich_callout(
        rx.vstack(
            rx.text("The admin area is for administrators only.", weight="medium"),
            rx.cond(
                S.is_authenticated,
                rx.text("Your account does not have access. Nothing here was loaded."),
                rx.link("Sign in with an admin account", href="/signin?next=/admin"),
            ),
            spacing="1",
        ),
        icon="lock",
        color_scheme="red",
        role="alert",
        id="admin-refused",
    )


def admin_page() -> rx.Component:
    return page(
        rx.cond(
            S.allowed,
            _area(),
            rx.cond(
                S.checked, _refusal(), rx.center(rx.spinner(size="3"), padding="var(--space-9)")
            ),
        )
    )


def admin_nav_link() -> rx.Component:
    """The navbar's Admin link, rendered only for admins (registered as a nav widget)."""
    return rx.cond(
        AuthState.is_admin,
        rx.link(
            "Admin",
            href="/admin",
            color_scheme="gray",
            high_contrast=True,
            id="nav-admin",
            display=["none", "none", "inline"],  # in the phone menu there
        ),
    )
