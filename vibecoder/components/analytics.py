"""Dashboard pieces: metric cards, recharts charts with tooltips and empty states, source lists."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.analytics.seller import Card, Source
from vibecoder.state.auth import AuthState

CHART_HEIGHT = 260


def metric_card(card: Card) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(card.label, size="1", color_scheme="gray", weight="medium"),
            rx.heading(card.value, size="6", as_="p", class_name="metric-value"),
            rx.hstack(
                rx.badge(
                    card.change,
                    color_scheme=rx.match(card.trend, ("up", "green"), ("down", "red"), "gray"),
                    variant="soft",
                    class_name="metric-change",
                ),
                rx.text("vs ", card.previous, " before", size="1", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            spacing="1",
            align="start",
        ),
        id="card-" + card.key,
        aria_label=card.label,
        role="group",
    )


def empty_chart(message: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("chart-no-axes-column", size=28, color=rx.color("gray", 8)),
            rx.text(message, size="2", color_scheme="gray", text_align="center"),
            align="center",
            spacing="2",
        ),
        height=f"{CHART_HEIGHT}px",
        width="100%",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-3)",
        class_name="chart-empty",
    )


def chart_panel(title: str, chart: rx.Component, id: str, description: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="3", as_="h2"),
            rx.box(chart, width="100%", role="img", aria_label=description),
            spacing="3",
            width="100%",
        ),
        id=id,
        width="100%",
    )


def revenue_chart(data, has_data) -> rx.Component:
    return rx.cond(
        has_data,
        rx.recharts.composed_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            rx.recharts.x_axis(data_key="label", min_tick_gap=24, font_size=11),
            rx.recharts.y_axis(y_axis_id="left", font_size=11, width=48),
            rx.recharts.y_axis(
                y_axis_id="right", orientation="right", allow_decimals=False, font_size=11
            ),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            rx.recharts.area(
                data_key="revenue",
                name="Revenue",
                y_axis_id="left",
                stroke=rx.color("violet", 9),
                fill=rx.color("violet", 5),
                type_="linear",
                is_animation_active=False,
            ),
            rx.recharts.bar(
                data_key="sales",
                name="Sales",
                y_axis_id="right",
                fill=rx.color("teal", 8),
                bar_size=10,
            ),
            data=data,
            width="100%",
            height=CHART_HEIGHT,
        ),
        empty_chart("No sales in this range yet. Share your listing links to get going."),
    )


def funnel_chart(data, has_data) -> rx.Component:
    return rx.cond(
        has_data,
        rx.recharts.bar_chart(
            rx.recharts.x_axis(type_="number", allow_decimals=False, font_size=11),
            rx.recharts.y_axis(data_key="stage", type_="category", width=120, font_size=11),
            rx.recharts.graphing_tooltip(),
            rx.recharts.bar(data_key="count", name="Count", fill=rx.color("violet", 9)),
            data=data,
            layout="vertical",
            width="100%",
            height=CHART_HEIGHT,
        ),
        empty_chart("No views in this range yet."),
    )


def top_listings_chart(data) -> rx.Component:
    return rx.cond(
        data.length() > 0,
        rx.recharts.bar_chart(
            rx.recharts.x_axis(type_="number", font_size=11),
            rx.recharts.y_axis(data_key="title", type_="category", width=140, font_size=11),
            rx.recharts.graphing_tooltip(),
            rx.recharts.bar(data_key="revenue", name="Revenue", fill=rx.color("teal", 8)),
            data=data,
            layout="vertical",
            width="100%",
            height=CHART_HEIGHT,
        ),
        empty_chart("No listing earned anything in this range."),
    )


def _source_row(source: Source) -> rx.Component:
    return rx.table.row(
        rx.table.cell(source.name),
        rx.table.cell(source.views, text_align="right"),
    )


def source_table(title: str, rows, id: str) -> rx.Component:
    return rx.box(
        rx.text(title, size="2", weight="medium"),
        rx.cond(
            rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Source"),
                        rx.table.column_header_cell("Views", text_align="right"),
                    )
                ),
                rx.table.body(rx.foreach(rows, _source_row)),
                size="1",
                width="100%",
            ),
            rx.text("No views yet.", size="2", color_scheme="gray"),
        ),
        id=id,
        width="100%",
    )


def dashboard_nav_link() -> rx.Component:
    """The navbar's Dashboard link, for sellers only."""
    return rx.cond(
        AuthState.is_seller,
        rx.link(
            "Dashboard",
            href="/dashboard",
            color_scheme="gray",
            high_contrast=True,
            size="2",
            id="nav-dashboard",
            display=["none", "none", "inline"],  # in the phone menu there
        ),
    )


def _download_link(label: str, href, id: str) -> rx.Component:
    # A plain anchor: the API is another origin in development, not a client-side route.
    return rx.el.a(
        label,
        href=href,
        id=id,
        download="",
        color=rx.color("accent", 11),
        font_size="var(--font-size-2)",
        text_decoration="underline",
    )


def csv_exports() -> rx.Component:
    """Download links for the signed-in seller's sales and ledger (served by /api/exports)."""
    from vibecoder.state.dashboard import DashboardState

    return rx.hstack(
        rx.icon("download", size=14),
        _download_link("Sales CSV", DashboardState.export_sales_url, "export-sales"),
        _download_link("Ledger CSV", DashboardState.export_ledger_url, "export-ledger"),
        rx.link("Analytics dashboard", href="/dashboard", size="2"),
        spacing="3",
        align="center",
        wrap="wrap",
    )
