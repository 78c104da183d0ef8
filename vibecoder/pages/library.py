"""/library: every purchase with its version, license key, activations, receipt and downloads."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager
from vibecoder.components.layout import page
from vibecoder.components.remix import library_open_button
from vibecoder.domain.catalog.variations import LibraryVariation
from vibecoder.domain.commerce.library import ActivationEntry, LibraryEntry, VersionDownload
from vibecoder.settings import get_settings
from vibecoder.state.library import LibraryState as S

KEY_URL = get_settings().public_api_url + "/api/library/"
VARIATION_URL = get_settings().public_api_url + "/api/variations/"

LICENSE_COLORS = {"active": "green", "inactive": "gray", "expired": "amber", "disabled": "red"}


def _status(entry: LibraryEntry) -> rx.Component:
    return rx.badge(
        entry.status_label,
        color_scheme=rx.match(
            entry.status,
            ("paid", "green"),
            ("pending", "amber"),
            ("refunded", "red"),
            ("disputed", "red"),
            "gray",
        ),
        class_name="purchase-status",
    )


def _key(entry: LibraryEntry) -> rx.Component:
    return rx.cond(
        entry.license_masked != "",
        rx.vstack(
            rx.hstack(
                rx.text("License key", size="2", weight="medium"),
                rx.badge(
                    entry.license_status,
                    color_scheme=rx.match(entry.license_status, *LICENSE_COLORS.items(), "gray"),
                    class_name="license-status",
                ),
                rx.text(
                    entry.activation_count,
                    " of ",
                    entry.activation_limit,
                    " activations",
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(entry.usage != "", rx.text(entry.usage, size="1", color_scheme="gray")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.code(
                    entry.license_key,
                    class_name="license-key",
                    custom_attrs={"data-key-box": entry.purchase_id},
                ),
                rx.cond(
                    entry.license_status != "disabled",
                    rx.fragment(
                        rx.button(
                            "Show key",
                            size="1",
                            variant="soft",
                            class_name="reveal-key",
                            custom_attrs={
                                "data-key-action": "show",
                                "data-purchase": entry.purchase_id,
                                "data-key-url": KEY_URL + entry.purchase_id.to_string() + "/key",
                            },
                        ),
                        rx.button(
                            rx.icon("copy", size=14),
                            "Copy",
                            size="1",
                            variant="soft",
                            class_name="copy-key",
                            custom_attrs={
                                "data-key-action": "copy",
                                "data-purchase": entry.purchase_id,
                            },
                        ),
                        rx.button(
                            "Hide",
                            size="1",
                            variant="ghost",
                            class_name="hide-key",
                            custom_attrs={
                                "data-key-action": "hide",
                                "data-purchase": entry.purchase_id,
                            },
                        ),
                    ),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
                class_name="key-row",
                custom_attrs={"data-key-row": "1"},
            ),
            rx.foreach(entry.activations, _activation),
            spacing="2",
            width="100%",
        ),
    )


def _activation(activation: ActivationEntry) -> rx.Component:
    return rx.hstack(
        rx.icon("monitor", size=14),
        rx.text(activation.name, size="2", class_name="activation-name"),
        rx.text("since ", activation.created, size="1", color_scheme="gray"),
        rx.button(
            "Free this slot",
            size="1",
            variant="ghost",
            color_scheme="red",
            on_click=S.free_slot(activation.id),
            class_name="free-slot",
        ),
        spacing="2",
        align="center",
    )


def _download(entry: LibraryEntry, version: VersionDownload) -> rx.Component:
    return rx.button(
        rx.icon("download", size=14),
        version.version,
        rx.cond(version.is_latest, " (latest)", ""),
        size="1",
        variant=rx.cond(version.is_latest, "solid", "soft"),
        on_click=S.download(entry.purchase_id, version.id),
        class_name="download-version",
        aria_label="Download version " + version.version,
    )


def _receipt(entry: LibraryEntry) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button("Receipt", size="1", variant="ghost", class_name="receipt")),
        rx.dialog.content(
            rx.dialog.title("Receipt · order #", entry.purchase_id),
            rx.data_list.root(
                rx.data_list.item(
                    rx.data_list.label("Item"), rx.data_list.value(entry.listing_title)
                ),
                rx.data_list.item(rx.data_list.label("Amount"), rx.data_list.value(entry.amount)),
                rx.data_list.item(rx.data_list.label("Date"), rx.data_list.value(entry.purchased)),
                rx.data_list.item(
                    rx.data_list.label("Status"), rx.data_list.value(entry.status_label)
                ),
                rx.data_list.item(
                    rx.data_list.label("Paid with"), rx.data_list.value(entry.gateway)
                ),
                rx.data_list.item(
                    rx.data_list.label("Payment reference"),
                    rx.data_list.value(rx.code(entry.payment_ref)),
                ),
                rx.data_list.item(
                    rx.data_list.label("Version bought"), rx.data_list.value(entry.version_bought)
                ),
            ),
            rx.dialog.close(rx.button("Close", variant="soft", margin_top="var(--space-4)")),
        ),
    )


def _variation(variation: LibraryVariation) -> rx.Component:
    return rx.hstack(
        rx.icon("shuffle", size=14),
        rx.text(variation.prompt, size="2", class_name="variation-prompt"),
        rx.text(variation.created, size="1", color_scheme="gray"),
        rx.cond(
            variation.ready,
            # A plain link: the API checks the session cookie's owner and the purchase.
            rx.link(
                rx.button(rx.icon("download", size=14), "Download", size="1", variant="soft"),
                href=VARIATION_URL + variation.public_id + "/zip",
                class_name="download-variation",
            ),
            rx.text("No result to download (the run did not finish).", size="1"),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        class_name="library-variation",
    )


def _variations(entry: LibraryEntry) -> rx.Component:
    return rx.vstack(
        rx.text("Your variations", size="2", weight="medium"),
        rx.foreach(entry.variations, _variation),
        spacing="1",
        width="100%",
    )


def _entry(entry: LibraryEntry) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(
                    rx.heading(entry.listing_title, size="4", as_="h2"),
                    href="/listing/" + entry.listing_slug,
                ),
                _status(entry),
                rx.cond(
                    entry.update_available,
                    rx.badge(
                        "Update available: ",
                        entry.latest_version,
                        color_scheme="violet",
                        class_name="update-badge",
                    ),
                ),
                rx.spacer(),
                rx.text(entry.amount, " · ", entry.purchased, size="2", color_scheme="gray"),
                _receipt(entry),
                spacing="3",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                entry.access_until != "",
                rx.text("Access until ", entry.access_until, size="1", color_scheme="gray"),
            ),
            _key(entry),
            rx.cond(
                entry.can_download,
                rx.hstack(
                    rx.text("Download", size="2", weight="medium"),
                    rx.foreach(entry.versions, lambda v: _download(entry, v)),
                    library_open_button(entry.listing_slug, entry.version_bought_id),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    entry.status == "pending",
                    rx.text(
                        "Payment received; preparing your download…",
                        size="2",
                        color_scheme="amber",
                    ),
                    rx.text("Downloads are closed for this order.", size="2", color_scheme="gray"),
                ),
            ),
            rx.cond(entry.variations.length() > 0, _variations(entry)),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="library-entry",
        id="purchase-" + entry.purchase_id.to_string(),
    )


def library_page() -> rx.Component:
    return page(
        rx.vstack(
            # Show/Copy/Hide of license keys: fetched by this script, never held in state.
            # React 19 loads an async script once, hoisted to <head> (rx.script goes through
            # react-helmet, whose legacy lifecycle React reports as a console error).
            rx.el.script(src="/library_keys.js", async_=True),
            rx.heading("Your library", size="7", as_="h1"),
            rx.cond(
                S.signed_out,
                rx.callout.root(
                    rx.callout.icon(rx.icon("log-in")),
                    rx.callout.text(
                        rx.link("Sign in", href="/signin?next=/library"), " to see your purchases."
                    ),
                ),
                rx.vstack(
                    rx.cond(
                        S.message != "", rx.callout(S.message, icon="check", color_scheme="green")
                    ),
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", role="alert"
                        ),
                    ),
                    rx.cond(
                        S.entries.length() > 0,
                        rx.vstack(rx.foreach(S.entries, _entry), spacing="3", width="100%"),
                        rx.callout.root(
                            rx.callout.icon(rx.icon("package")),
                            rx.callout.text(
                                "Nothing here yet. ",
                                rx.link("Browse the marketplace", href="/browse"),
                                ".",
                            ),
                        ),
                    ),
                    rx.cond(S.pages > 1, pager(S.page, S.pages, S.go_to_page)),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
