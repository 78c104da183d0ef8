"""The listing page's "Preview a variation" panel: a prompt, the builder's steps, and the
variation beside the original, both in sandboxed frames on the preview origin."""

from __future__ import annotations

import reflex as rx

from vibecoder.state.variation import VariationState as S
from vibecoder.state.variation import VariationStep
from vibecoder.state.variation import VariationSwitchState as W

FRAME_HEIGHT = "420px"
STEP_COLORS = (
    ("done", "green"),
    ("running", "blue"),
    ("failed", "red"),
    "gray",
)


def _frame(url: rx.Var, role: str, label: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        # allow-scripts only: with allow-same-origin the page could lift its own sandbox.
        rx.el.iframe(
            src=url,
            sandbox="allow-scripts",
            referrer_policy="no-referrer",
            title=label,
            width="100%",
            height=FRAME_HEIGHT,
            data_variation_role=role,
            style={
                "border": "1px solid var(--gray-6)",
                "borderRadius": "8px",
                "background": "white",
            },
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _step(step: VariationStep) -> rx.Component:
    return rx.badge(
        rx.cond(step.status == "done", rx.icon("check", size=12), rx.icon("dot", size=12)),
        step.name,
        color_scheme=rx.match(step.status, *STEP_COLORS),
        variant="soft",
        class_name="variation-step",
        custom_attrs={"data-status": step.status},
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text_area(
                name="prompt",
                id="variation-prompt",
                aria_label="Describe the variation",
                placeholder="The same page for a flower shop, pastel colours",
                value=S.prompt,
                on_change=S.set_prompt,
                max_length=500,
                rows="2",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("wand-sparkles", size=16),
                    "Preview variation",
                    type="submit",
                    id="variation-start",
                    loading=S.starting,
                    disabled=S.working,
                ),
                rx.text(
                    "Private to you. Kept 7 days; buying the listing adds it to your library.",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error, icon="triangle-alert", color_scheme="red", id="variation-error"
                ),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.start,
        reset_on_submit=False,
        width="100%",
    )


def _result() -> rx.Component:
    return rx.cond(
        S.public_id != "",
        rx.vstack(
            rx.hstack(
                rx.cond(S.working, rx.spinner(size="1")),
                rx.text(S.status_label, size="2", id="variation-status"),
                rx.cond(S.tokens != "", rx.text(S.tokens, size="1", color_scheme="gray")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                S.run_error != "",
                rx.callout(S.run_error, icon="circle-x", color_scheme="red", size="1"),
            ),
            rx.hstack(rx.foreach(S.steps, _step), spacing="2", wrap="wrap", id="variation-steps"),
            rx.grid(
                rx.cond(S.original_url != "", _frame(S.original_url, "original", "Original")),
                rx.cond(
                    S.variation_url != "",
                    _frame(S.variation_url, "variation", "Your variation"),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                S.variation_url != "",
                rx.cond(
                    S.unlocked,
                    rx.callout(
                        "You own this listing: the variation is in your library, ready to "
                        "download.",
                        icon="circle-check",
                        color_scheme="green",
                        id="variation-unlocked",
                    ),
                    rx.callout(
                        rx.text(
                            "Preview only: the variation's code unlocks when you buy the "
                            "listing; until then it cannot be downloaded. Kept until ",
                            S.kept_until,
                            ".",
                        ),
                        icon="lock",
                        color_scheme="gray",
                        id="variation-locked",
                    ),
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )


def variation_panel() -> rx.Component:
    return rx.cond(
        S.web,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("shuffle", size=18),
                    rx.heading("Preview a variation", size="4", as_="h2"),
                    spacing="2",
                    align="center",
                ),
                rx.cond(
                    S.enabled,
                    rx.cond(
                        S.signed_in,
                        rx.vstack(
                            rx.text(
                                "Describe a tweak and the AI builder makes this page yours "
                                "before you buy it.",
                                size="2",
                                color_scheme="gray",
                            ),
                            _form(),
                            spacing="2",
                            width="100%",
                        ),
                        rx.text(
                            rx.link("Sign in", href="/signin"),
                            " to preview a variation of this page made to your words.",
                            size="2",
                        ),
                    ),
                    rx.text(S.reason, size="2", color_scheme="gray", id="variation-off"),
                ),
                _result(),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="variation-panel",
        ),
    )


def variation_switch() -> rx.Component:
    """The listing editor's switch for "Preview a variation" (the server enforces it)."""
    return rx.cond(
        W.switch_listing_id != 0,
        rx.vstack(
            rx.heading("Variations", size="3", as_="h3"),
            rx.hstack(
                rx.switch(
                    checked=W.variations_enabled,
                    on_change=W.toggle,
                    id="variations-switch",
                ),
                rx.text(
                    "Let signed-in visitors preview an AI variation of this page before buying "
                    "(web listings: a page with its index.html, or React source).",
                    size="2",
                    as_="label",
                    html_for="variations-switch",
                ),
                spacing="2",
                align="center",
            ),
            rx.cond(W.switch_error != "", rx.text(W.switch_error, color_scheme="red", size="2")),
            spacing="2",
            width="100%",
        ),
    )
