"""The "Report listing" link and dialog in a listing's buy box (registered in ACTION_SLOTS)."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.moderation.reports import CATEGORY_LABELS, MAX_DETAILS
from vibecoder.state.listing import ListingState
from vibecoder.state.report import ReportState as R


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("flag", size=14),
                "Report listing",
                variant="ghost",
                color_scheme="gray",
                size="1",
                id="report-listing",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Report this listing"),
            rx.dialog.description(
                "Tell our moderators what is wrong. The seller does not see who reported it.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    rx.text("What is wrong?", as_="label", html_for="report-category", size="2"),
                    rx.select.root(
                        rx.select.trigger(
                            placeholder="Choose a reason",
                            id="report-category",
                            aria_label="What is wrong?",
                            width="100%",
                        ),
                        rx.select.content(
                            *[
                                rx.select.item(label, value=key)
                                for key, label in CATEGORY_LABELS.items()
                            ]
                        ),
                        value=R.category,
                        on_change=R.set_category,
                    ),
                    rx.text("Details", as_="label", html_for="report-details", size="2"),
                    rx.text_area(
                        name="details",
                        id="report-details",
                        placeholder="What did you notice? (required for “Something else”)",
                        max_length=MAX_DETAILS,
                        rows="4",
                        width="100%",
                    ),
                    rx.cond(
                        R.error != "",
                        rx.text(
                            R.error, color_scheme="red", size="2", role="alert", id="report-error"
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            "Send report",
                            type="submit",
                            color_scheme="red",
                            loading=R.busy,
                            disabled=R.category == "",
                            id="report-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=R.submit,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=R.dialog_open,
        on_open_change=R.set_dialog_open,
    )


def report_listing() -> rx.Component:
    return rx.box(
        rx.cond(
            R.message != "",
            rx.callout(
                R.message, icon="check", color_scheme="green", size="1", id="report-confirmation"
            ),
            rx.cond(
                R.is_authenticated,
                rx.cond(ListingState.listing.is_owner, rx.fragment(), _dialog()),
                rx.link(
                    "Sign in to report this listing",
                    href="/signin?next=/listing/" + ListingState.listing.slug,
                    size="1",
                    color_scheme="gray",
                ),
            ),
        ),
        on_mount=R.reset_report,
        width="100%",
    )
