"""/sell: a seller's listings; /sell/[listing_id]: the listing editor and version uploads."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.filters import pager
from vibecoder.components.layout import field_error, page, rich_callout
from vibecoder.components.listing_card import API_URL
from vibecoder.components.provenance_editor import provenance_button, provenance_dialog
from vibecoder.components.variation_panel import variation_switch
from vibecoder.domain.catalog.listings import CATEGORIES
from vibecoder.state.account import AccountState
from vibecoder.state.browse import LICENSE_LABELS, PRICING_LABELS
from vibecoder.state.sell import FindingRow, SellerListingRow, SellState, VersionRow

STATUS_COLORS = {"published": "green", "draft": "gray", "archived": "amber", "taken_down": "red"}


def _status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"),
    )


def _row(row: SellerListingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.title, href="/sell/" + row.id.to_string())),
        rx.table.cell(_status_badge(row.status)),
        rx.table.cell(row.price_label),
        rx.table.cell(row.latest_version),
        rx.table.cell(row.updated),
        rx.table.cell(rx.link("View", href="/listing/" + row.slug)),
    )


def sell_dashboard() -> rx.Component:
    return page(
        rx.cond(
            SellState.is_seller,
            rx.vstack(
                rx.hstack(
                    rx.heading("Your listings", size="7"),
                    rx.spacer(),
                    rx.link(
                        rx.button(rx.icon("wallet", size=14), "Sales and payouts", variant="soft"),
                        href="/sell/payouts",
                        id="sales-link",
                    ),
                    rx.link(
                        rx.button(rx.icon("plus", size=14), "New listing", id="new-listing"),
                        href="/sell/new",
                    ),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    SellState.rows.length() > 0,
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    *[
                                        rx.table.column_header_cell(h)
                                        for h in (
                                            "Title",
                                            "Status",
                                            "Price",
                                            "Latest",
                                            "Updated",
                                            "",
                                        )
                                    ]
                                )
                            ),
                            rx.table.body(rx.foreach(SellState.rows, _row)),
                            width="100%",
                        ),
                        overflow_x="auto",
                        width="100%",
                    ),
                    rx.callout("You have no listings yet. Create your first one.", icon="package"),
                ),
                rx.cond(
                    SellState.pages > 1,
                    pager(SellState.page, SellState.pages, SellState.go_to_page),
                ),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.heading("Sell your AI-generated code", size="7"),
                rx.text("Turn on selling for your account to create listings."),
                rx.button("Become a seller", on_click=AccountState.become_seller),
                spacing="3",
            ),
        )
    )


def _select(label: str, value, options: list[tuple[str, str]], on_change, id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", as_="label", html_for=id),
        rx.select.root(
            rx.select.trigger(id=id, width="100%"),
            rx.select.content(*[rx.select.item(text, value=key) for key, text in options]),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        width="100%",
    )


def _text(label: str, name: str, value, **props) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", as_="label", html_for=name),
        rx.input(id=name, name=name, default_value=value, width="100%", **props),
        spacing="1",
        width="100%",
    )


def _sandbox_defaults() -> rx.Component:
    """What "Run in sandbox" on the listing page starts with, so a visitor's first run shows
    the code at its best (a file name that is not runnable is ignored there)."""
    return rx.vstack(
        rx.heading("Run in sandbox: defaults", size="3", as_="h3"),
        rx.grid(
            _text(
                "File to run",
                "run_entry_point",
                SellState.run_entry_point,
                placeholder="e.g. main.py (else the first runnable file)",
                max_length=300,
            ),
            _text(
                "Example arguments",
                "run_args",
                SellState.run_args,
                placeholder="e.g. --limit 5 'data.csv'",
                max_length=500,
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            rx.text("Example standard input", size="2", as_="label", html_for="run_stdin"),
            rx.text_area(
                id="run_stdin",
                name="run_stdin",
                default_value=SellState.run_stdin,
                rows="3",
                max_length=4000,
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _live_demo_switch() -> rx.Component:
    """Web listings only: the page runs in a sandboxed frame on the listing page, which ships
    its HTML, CSS and JavaScript to every visitor (docs/security.md, "Live demos")."""
    return rx.vstack(
        rx.hstack(
            rx.switch(
                id="live_demo",
                # Radix's switch is a button: its name is set here, the label is for clicks.
                aria_label="Offer a live demo",
                checked=SellState.live_demo,
                on_change=SellState.set_live_demo,
            ),
            rx.text("Offer a live demo", size="2", as_="label", html_for="live_demo"),
            spacing="2",
            align="center",
        ),
        rx.text(
            "Visitors can try your index.html in a sandboxed frame. Its HTML, CSS and "
            "JavaScript are sent to their browser even before they buy.",
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )


def _preview_files() -> rx.Component:
    """The files a visitor reads in full before buying (the rest: the first 40 lines)."""
    return rx.vstack(
        rx.heading("Preview files", size="3", as_="h3"),
        rx.text("Shown in full before purchase", size="2", as_="label", html_for="preview_files"),
        rx.text_area(
            id="preview_files",
            name="preview_files",
            default_value=SellState.preview_files,
            rows="4",
            width="100%",
            aria_describedby="preview-files-help",
        ),
        rx.text(
            "One file or pattern per line, as in .gitignore: README* (any README), /docs/ "
            "(the docs folder), src/cli.py (one file). Visitors who have not bought this "
            "listing read these files in full and the first 40 lines of every other file; "
            "free listings show everything.",
            id="preview-files-help",
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            SellState.preview_shown.length() > 0,
            rx.text(
                "Shown in full in the newest version: ",
                rx.foreach(SellState.preview_shown, lambda p: rx.code(p, margin_right="0.4em")),
                id="preview-files-shown",
                size="1",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _details_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _text("Title", "title", SellState.title, required=True, min_length=3, max_length=120),
            rx.cond(
                SellState.listing_id == 0,
                _text(
                    "Slug (optional, permanent)",
                    "slug",
                    SellState.slug,
                    placeholder="generated from the title",
                ),
            ),
            _text("Summary", "summary", SellState.summary, max_length=300),
            rx.vstack(
                rx.text("Description (markdown)", size="2", as_="label", html_for="description"),
                rx.text_area(
                    id="description",
                    name="description",
                    default_value=SellState.description,
                    rows="8",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            rx.grid(
                _select(
                    "Category",
                    SellState.category,
                    [(c, c) for c in CATEGORIES],
                    SellState.set_category,
                    "category",
                ),
                _select(
                    "Pricing",
                    SellState.pricing_model,
                    list(PRICING_LABELS.items()),
                    SellState.set_pricing_model,
                    "pricing_model",
                ),
                _select(
                    "License",
                    SellState.license_type,
                    list(LICENSE_LABELS.items()),
                    SellState.set_license_type,
                    "license_type",
                ),
                _select(
                    "Currency",
                    SellState.currency,
                    [("usd", "USD"), ("eur", "EUR"), ("gbp", "GBP")],
                    SellState.set_currency,
                    "currency",
                ),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.grid(
                _text("Price", "price", SellState.price, type="number", step="0.01", min=0),
                _text("Technologies (comma separated)", "technologies", SellState.technologies),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            _sandbox_defaults(),
            rx.cond(SellState.has_web_entry, _live_demo_switch()),
            _preview_files(),
            field_error(SellState.form_error),
            rx.text(SellState.form_message, size="2", color_scheme="green"),
            rx.button(
                rx.cond(SellState.listing_id == 0, "Create listing", "Save changes"),
                type="submit",
                id="save-listing",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=SellState.save_listing,
        width="100%",
    )


def _version_row(v: VersionRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(v.version)),
        rx.table.cell(v.files, " files"),
        rx.table.cell(rx.cond(v.is_latest, rx.badge("latest", color_scheme="green"), "")),
        rx.table.cell(v.published),
        rx.table.cell(
            rx.cond(
                v.test_output != "",
                rx.popover.root(
                    rx.popover.trigger(
                        rx.button(v.tests, size="1", color_scheme="red", variant="soft")
                    ),
                    rx.popover.content(
                        rx.el.pre(
                            v.test_output, style={"white_space": "pre-wrap", "font_size": "11px"}
                        ),
                        max_width="640px",
                        max_height="400px",
                        overflow="auto",
                    ),
                ),
                rx.text(v.tests, size="1", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                provenance_button(v.id, v.version),
                rx.cond(
                    v.is_published,
                    rx.text("published", size="1", color_scheme="gray"),
                    rx.button(
                        "Publish",
                        size="1",
                        on_click=SellState.publish_version(v.id),
                        class_name="publish-version",
                    ),
                ),
                spacing="2",
                align="center",
            )
        ),
    )


def _finding(f: FindingRow) -> rx.Component:
    return rx.hstack(
        rx.badge(f.severity, color_scheme=rx.cond(f.severity == "blocking", "red", "amber")),
        rx.code(f.path, ":", f.line),
        rx.text(f.message, size="2"),
        wrap="wrap",
        align="center",
    )


def _versions_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Versions and files", size="4", as_="h2"),
            rx.cond(
                SellState.versions.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(label)
                                    for label in (
                                        "Version",
                                        "Files",
                                        "Latest",
                                        "Published",
                                        "Tests",
                                        "Actions",
                                    )
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(SellState.versions, _version_row)),
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.text("No versions yet. Upload your code below.", color_scheme="gray"),
            ),
            rx.heading("Upload a new version", size="3", as_="h3"),
            rx.grid(
                rx.vstack(
                    rx.text("Version (semver)", size="2", as_="label", html_for="new_version"),
                    rx.input(
                        id="new_version",
                        value=SellState.new_version,
                        on_change=SellState.set_new_version,
                        placeholder="1.0.0",
                    ),
                    spacing="1",
                ),
                rx.vstack(
                    rx.text("Changelog (markdown)", size="2", as_="label", html_for="changelog"),
                    rx.text_area(
                        id="changelog",
                        value=SellState.new_changelog,
                        on_change=SellState.set_new_changelog,
                        rows="3",
                    ),
                    spacing="1",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                SellState.version_warning != "",
                rx.callout(
                    SellState.version_warning,
                    icon="triangle-alert",
                    color_scheme="amber",
                    role="alert",
                    id="version-warning",
                ),
            ),
            rx.upload.root(
                rx.vstack(
                    rx.icon("upload", size=24),
                    rx.text("Drop a .zip or your files here, or click to choose"),
                    rx.text(
                        "Zip archives are unpacked safely; each file is scanned for secrets.",
                        size="1",
                        color_scheme="gray",
                    ),
                    align="center",
                    spacing="2",
                ),
                id="version-files",
                multiple=True,
                border=f"1px dashed {rx.color('gray', 7)}",
                padding="var(--space-6)",
                border_radius="8px",
                width="100%",
            ),
            rx.hstack(
                rx.foreach(
                    rx.selected_files("version-files"),
                    lambda name: rx.badge(name, variant="outline"),
                ),
                wrap="wrap",
            ),
            rx.button(
                rx.cond(SellState.uploading, rx.spinner(size="1"), rx.icon("upload", size=14)),
                "Upload version",
                on_click=SellState.upload_version(rx.upload_files(upload_id="version-files")),
                disabled=SellState.uploading,
                id="upload-version",
            ),
            field_error(SellState.upload_error),
            rx.text(SellState.upload_message, size="2", color_scheme="green", id="upload-message"),
            rx.cond(
                SellState.findings.length() > 0,
                rich_callout(
                    rx.vstack(
                        rx.text("Upload scan", weight="bold"),
                        rx.foreach(SellState.findings, _finding),
                        spacing="2",
                    ),
                    icon="shield-alert",
                    color_scheme=rx.cond(SellState.has_blocking, "red", "amber"),
                    id="scan-findings",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _cover_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Cover image", size="4", as_="h2"),
            rx.cond(
                SellState.cover_path != "",
                rx.image(
                    src=API_URL + SellState.cover_path,
                    alt="Current cover",
                    max_height="160px",
                    border_radius="6px",
                ),
                rx.text(
                    "No cover yet. PNG, JPEG or WebP up to 2 MB; shown at up to 1200×675.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.cond(
                SellState.cover_kind == "screenshot",
                rx.text(
                    "A screenshot of your latest version's index.html, refreshed on each new "
                    "version. Upload your own image to replace it for good.",
                    size="1",
                    color_scheme="gray",
                    id="cover-kind",
                ),
            ),
            rx.upload.root(
                rx.text("Drop an image or click to choose", size="2"),
                id="cover",
                accept={
                    "image/png": [".png"],
                    "image/jpeg": [".jpg", ".jpeg"],
                    "image/webp": [".webp"],
                },
                max_files=1,
                border=f"1px dashed {rx.color('gray', 7)}",
                padding="var(--space-4)",
                border_radius="8px",
                width="100%",
            ),
            rx.button(
                "Upload cover",
                variant="soft",
                on_click=SellState.upload_cover(rx.upload_files(upload_id="cover")),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def listing_editor() -> rx.Component:
    return page(
        rx.vstack(
            rx.hstack(
                rx.link(rx.icon("arrow-left", size=14), "Your listings", href="/sell"),
                rx.spacer(),
                rx.cond(SellState.status != "", _status_badge(SellState.status)),
                rx.cond(
                    SellState.slug != "",
                    # Drafts are visible to their seller: the preview of the listing page.
                    rx.link(
                        rx.cond(
                            SellState.status == "published", "View listing", "Preview listing page"
                        ),
                        href="/listing/" + SellState.slug,
                        id="preview-listing",
                    ),
                ),
                rx.cond(
                    SellState.status == "published",
                    rx.button(
                        "Archive", variant="soft", color_scheme="amber", on_click=SellState.archive
                    ),
                ),
                rx.cond(
                    SellState.status == "archived",
                    rx.button("Publish again", variant="soft", on_click=SellState.republish),
                ),
                width="100%",
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.heading(
                rx.cond(SellState.listing_id == 0, "New listing", SellState.title), size="7"
            ),
            _details_form(),
            variation_switch(),
            rx.cond(SellState.listing_id != 0, _cover_section()),
            rx.cond(SellState.listing_id != 0, _versions_section()),
            provenance_dialog(),
            spacing="4",
            width="100%",
        ),
        max_width="960px",
    )
