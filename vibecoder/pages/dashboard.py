"""/dashboard (a seller's analytics) and /dashboard/listings/[slug] (one listing's)."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.analytics import (
    chart_panel,
    funnel_chart,
    metric_card,
    revenue_chart,
    source_table,
    top_listings_chart,
)
from vibecoder.components.layout import page
from vibecoder.domain.analytics.seller import ListingRow
from vibecoder.state.dashboard import DashboardState as S

# Offered in the timezone box; any IANA name is accepted (and checked on the server).
COMMON_TIMEZONES = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Lisbon",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
COLUMNS = (
    ("Listing", "title"),
    ("Status", "status"),
    ("Price", "price"),
    ("Views", "views"),
    ("Runs", "runs"),
    ("Sales", "sales"),
    ("Revenue", "revenue"),
    ("Conversion", "conversion"),
    ("Rating", "rating"),
)


def _range_picker() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.segmented_control.root(
                rx.segmented_control.item("7 days", value="7d"),
                rx.segmented_control.item("30 days", value="30d"),
                rx.segmented_control.item("90 days", value="90d"),
                rx.segmented_control.item("Custom", value="custom"),
                value=S.range_key,
                on_change=S.set_range,
                aria_label="Date range",
                id="range-picker",
            ),
            rx.segmented_control.root(
                rx.segmented_control.item("Daily", value="day"),
                rx.segmented_control.item("Weekly", value="week"),
                value=S.bucket,
                on_change=S.set_bucket,
                aria_label="Chart buckets",
                id="bucket-picker",
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            S.range_key == "custom",
            rx.form(
                rx.hstack(
                    rx.text("From", as_="label", html_for="range-start", size="2"),
                    rx.input(type="date", name="start", id="range-start", default_value=S.start),
                    rx.text("to", as_="label", html_for="range-end", size="2"),
                    rx.input(type="date", name="end", id="range-end", default_value=S.end),
                    rx.button("Apply", type="submit", size="2", id="apply-range"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                on_submit=S.apply_custom,
            ),
        ),
        rx.text(
            S.start,
            " – ",
            S.end,
            " · days in ",
            S.timezone,
            size="1",
            color_scheme="gray",
            id="range-label",
        ),
        spacing="2",
        align="start",
    )


def _sort_header(label: str, column: str) -> rx.Component:
    return rx.table.column_header_cell(
        rx.button(
            label,
            rx.cond(
                S.sort == column,
                rx.icon(rx.cond(S.descending, "arrow-down", "arrow-up"), size=12),
            ),
            variant="ghost",
            size="1",
            on_click=S.sort_by(column),
            aria_label=f"Sort by {label.lower()}",
        ),
    )


def _listing_row(row: ListingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(row.title, href="/dashboard/listings/" + row.slug),
                rx.hstack(
                    rx.link("Edit", href="/sell/" + row.id.to_string(), size="1"),
                    rx.text("v", row.latest_version, size="1", color_scheme="gray"),
                    rx.cond(
                        row.verified,
                        rx.badge("verified", color_scheme="green", size="1", variant="soft"),
                    ),
                    spacing="2",
                    align="center",
                ),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(rx.badge(row.status, variant="outline")),
        rx.table.cell(row.price),
        rx.table.cell(row.views, text_align="right"),
        rx.table.cell(row.runs, text_align="right"),
        rx.table.cell(row.sales, text_align="right"),
        rx.table.cell(row.revenue, text_align="right"),
        rx.table.cell(row.conversion, text_align="right"),
        rx.table.cell(row.rating),
        class_name="listing-row",
    )


def _listings_table() -> rx.Component:
    return rx.vstack(
        rx.heading("Listings", size="4", as_="h2"),
        rx.cond(
            S.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[_sort_header(label, col) for label, col in COLUMNS])
                    ),
                    rx.table.body(rx.foreach(S.rows, _listing_row)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
                id="listings-table",
            ),
            rx.text(
                "You have no listings yet. ",
                rx.link("Create one", href="/sell"),
                size="2",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            S.pages > 1,
            rx.hstack(
                rx.button(
                    "Previous",
                    size="1",
                    variant="soft",
                    on_click=S.go_page(-1),
                    disabled=S.page <= 1,
                ),
                rx.text("Page ", S.page, " of ", S.pages, size="2", aria_live="polite"),
                rx.button(
                    "Next",
                    size="1",
                    variant="soft",
                    on_click=S.go_page(1),
                    disabled=S.page >= S.pages,
                ),
                spacing="3",
                align="center",
            ),
        ),
        spacing="2",
        width="100%",
        align="start",
    )


def _timezone_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.text("Timezone", as_="label", html_for="tz-input", size="2"),
            rx.input(
                name="tz",
                id="tz-input",
                aria_label="Timezone",
                default_value=S.timezone,
                list="tz-options",
                width="220px",
                aria_describedby="tz-message",
            ),
            rx.el.datalist(*[rx.el.option(value=tz) for tz in COMMON_TIMEZONES], id="tz-options"),
            rx.button("Save", type="submit", size="2", variant="soft", id="tz-save"),
            rx.text(S.tz_message, size="1", id="tz-message", aria_live="polite"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        on_submit=S.save_timezone,
    )


def _board(is_listing: bool) -> rx.Component:
    charts = [
        chart_panel(
            "Revenue and sales",
            revenue_chart(S.series, S.has_sales),
            "revenue-chart",
            "Net revenue and sales per bucket",
        ),
        chart_panel(
            "Funnel",
            funnel_chart(S.funnel, S.has_views),
            "funnel-chart",
            "Views, sandbox runs, checkouts started and purchases",
        ),
    ]
    if not is_listing:
        charts.append(
            chart_panel(
                "Top listings by revenue",
                top_listings_chart(S.top),
                "top-listings-chart",
                "The five listings that earned most",
            )
        )
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(
                    "Dashboard" if not is_listing else S.listing_title,
                    size="7",
                    as_="h1",
                ),
                rx.hstack(
                    rx.text("Net revenue ", size="2", color_scheme="gray"),
                    rx.text(S.revenue_total, size="2", weight="bold", id="revenue-total"),
                    rx.text(" · sales ", S.sales_total, size="2", color_scheme="gray"),
                    spacing="1",
                ),
                spacing="1",
                align="start",
            ),
            rx.hstack(
                rx.cond(
                    S.last_live != "",
                    rx.badge(S.last_live, color_scheme="green", id="live-badge"),
                ),
                rx.link(rx.button("Payouts", variant="soft", size="2"), href="/sell/payouts"),
                spacing="2",
                align="center",
            ),
            justify="between",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        rx.link("← All listings", href="/dashboard", size="2") if is_listing else rx.fragment(),
        _range_picker(),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        rx.grid(
            rx.foreach(S.cards, metric_card),
            columns=rx.breakpoints(initial="1", xs="2", md="4"),
            spacing="3",
            width="100%",
            id="metric-cards",
        ),
        rx.grid(
            *charts,
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading("Traffic sources", size="3", as_="h2"),
                rx.grid(
                    source_table("Referrers", S.referrers, "referrers"),
                    source_table("UTM sources", S.utm_sources, "utm-sources"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        _listings_table() if not is_listing else rx.fragment(),
        _timezone_form() if not is_listing else rx.fragment(),
        spacing="4",
        width="100%",
        align="start",
    )


def _guarded(is_listing: bool) -> rx.Component:
    return page(
        rx.cond(
            S.refused != "",
            rx.callout(S.refused, icon="lock", color_scheme="red", role="alert", id="refused"),
            rx.cond(
                S.loaded,
                _board(is_listing),
                rx.center(rx.spinner(size="3"), padding="var(--space-9)", aria_label="Loading"),
            ),
        )
    )


def dashboard_page() -> rx.Component:
    return _guarded(False)


def listing_analytics_page() -> rx.Component:
    return _guarded(True)
