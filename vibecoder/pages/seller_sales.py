"""/sell/payouts: sales with refunds, balance by currency, ledger rows and payouts."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.analytics import csv_exports
from vibecoder.components.layout import page
from vibecoder.components.tables import data_table
from vibecoder.domain.commerce.ledger import Balance, LedgerRow, PayoutRow
from vibecoder.domain.commerce.sales import SaleRow
from vibecoder.state.seller_sales import SellerSalesState as S


def _refund_button(row: SaleRow) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Refund",
                size="1",
                variant="soft",
                color_scheme="red",
                class_name="refund-button",
                id="refund-" + row.purchase_id.to_string(),
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Refund order #", row.purchase_id, "?"),
            rx.alert_dialog.description(
                "The buyer gets ",
                row.amount,
                " back; their downloads close and their license key is disabled.",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Refund",
                        color_scheme="red",
                        on_click=S.refund(row.purchase_id),
                        id="confirm-refund",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="var(--space-4)",
            ),
        ),
    )


def _sale(row: SaleRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row.purchase_id),
        rx.table.cell(rx.link(row.listing_title, href="/listing/" + row.listing_slug)),
        rx.table.cell(row.buyer),
        rx.table.cell(row.amount),
        rx.table.cell(rx.badge(row.status, class_name="sale-status")),
        rx.table.cell(row.date),
        rx.table.cell(rx.cond(row.refundable, _refund_button(row))),
    )


def _balance(b: Balance) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(b.currency.upper(), " balance", size="1", color_scheme="gray"),
            rx.heading(b.unpaid, size="6", as_="h3", class_name="unpaid-balance"),
            rx.text(
                "Gross ",
                b.gross,
                " · fees ",
                b.fees,
                " · refunds ",
                b.refunds,
                " · disputes ",
                b.disputes,
                size="1",
                color_scheme="gray",
            ),
            rx.text(
                "Processing ", b.processing, " · paid out ", b.paid, size="1", color_scheme="gray"
            ),
            rx.button(
                "Request payout",
                size="1",
                variant="soft",
                on_click=S.request_payout(b.currency),
                disabled=b.unpaid_cents <= 0,
            ),
            spacing="1",
            align="start",
        ),
    )


def _entry(row: LedgerRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.date),
        rx.table.cell(rx.code(row.kind)),
        rx.table.cell(row.description),
        rx.table.cell(row.amount, text_align="right"),
    )


def _payout(row: PayoutRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell("#", row.id),
        rx.table.cell(row.date),
        rx.table.cell(row.amount),
        rx.table.cell(row.method),
        rx.table.cell(
            rx.badge(
                row.status,
                color_scheme=rx.match(row.status, ("paid", "green"), ("failed", "red"), "amber"),
            )
        ),
        rx.table.cell(row.failure_reason),
    )


def _admin_refund() -> rx.Component:
    # Admin refunds need a reason and an audit row, so they live in the admin area only.
    return rx.cond(
        S.is_admin,
        rx.callout(
            rx.fragment(
                "Refunds of any order, with a reason for the audit log, are in ",
                rx.link("Admin → Orders", href="/admin"),
                ".",
            ),
            icon="info",
            size="1",
        ),
    )


def seller_sales_page() -> rx.Component:
    return page(
        rx.cond(
            S.is_seller,
            rx.vstack(
                rx.heading("Sales and payouts", size="7", as_="h1"),
                rx.cond(
                    S.message != "",
                    rx.callout(S.message, icon="check", color_scheme="green", id="sales-message"),
                ),
                rx.cond(
                    S.error != "",
                    rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert"),
                ),
                _admin_refund(),
                rx.hstack(
                    rx.text(S.account, size="2", id="payout-account"),
                    rx.button(
                        "Set up payouts", size="1", variant="soft", on_click=S.connect_payouts
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                csv_exports(),
                rx.cond(
                    S.balances.length() > 0,
                    rx.hstack(rx.foreach(S.balances, _balance), spacing="3", wrap="wrap"),
                ),
                rx.heading("Sales", size="5", as_="h2"),
                rx.cond(
                    S.sales.length() > 0,
                    data_table(
                        ["Order", "Listing", "Buyer", "Amount", "Status", "Date", ""],
                        rx.foreach(S.sales, _sale),
                        "sales-table",
                    ),
                    rx.text("No sales yet.", size="2", color_scheme="gray"),
                ),
                rx.heading("Payouts", size="5", as_="h2"),
                rx.cond(
                    S.payouts.length() > 0,
                    data_table(
                        ["Payout", "Date", "Amount", "Method", "Status", "Reason"],
                        rx.foreach(S.payouts, _payout),
                        "payouts-table",
                    ),
                    rx.text("No payouts yet.", size="2", color_scheme="gray"),
                ),
                rx.heading("Ledger", size="5", as_="h2"),
                rx.cond(
                    S.entries.length() > 0,
                    data_table(
                        ["Date", "Kind", "Description", "Amount"],
                        rx.foreach(S.entries, _entry),
                        "ledger-table",
                    ),
                    rx.text("No entries yet.", size="2", color_scheme="gray"),
                ),
                spacing="4",
                width="100%",
            ),
            rx.callout("Sign in with a seller account to see your sales.", icon="lock"),
        )
    )
