"""The builder's chat column: messages, the streaming bubble, the editable plan, progress with
per-step state, retry, the model picker and the token meter (state in state/build.py)."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.safe_markdown import safe_markdown
from vibecoder.state.build import BuildProjectState as S
from vibecoder.state.build_views import ChatItem, DraftStep, ModelOption, StepItem
from vibecoder.state.capabilities import CapabilitiesState

STEP_COLORS = {
    "queued": "gray",
    "streaming": "blue",
    "recovering": "amber",
    "validating": "violet",
    "done": "green",
    "failed": "red",
}


def _bubble(role: rx.Var | str, body: rx.Component, **props) -> rx.Component:
    return rx.box(
        rx.text(rx.cond(role == "user", "You", "Builder"), weight="bold", size="1"),
        body,
        padding="var(--space-2)",
        border_radius="var(--radius-3)",
        background=rx.cond(role == "user", "var(--accent-3)", "var(--gray-3)"),
        width="100%",
        **props,
    )


def message(item: ChatItem) -> rx.Component:
    return _bubble(item.role, safe_markdown(item.text), data_testid="chat-message")


def live_bubble() -> rx.Component:
    """The assistant's text as it streams (prose only; code shows as a 'writing' note)."""
    return rx.cond(
        S.live_text != "",
        _bubble(
            "assistant",
            safe_markdown(S.live_text),
            aria_live="polite",
            aria_busy="true",
            data_testid="chat-live",
        ),
    )


def step_badge(item: StepItem) -> rx.Component:
    return rx.hstack(
        rx.badge(
            item.status,
            color_scheme=rx.match(
                item.status,
                *[(status, color) for status, color in STEP_COLORS.items()],
                "gray",
            ),
            variant="soft",
            data_testid="build-step-status",
        ),
        rx.text(item.name, weight="medium", data_testid="build-step-name"),
        rx.text(item.purpose, size="1", color_scheme="gray", trim="both"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _draft_row(item: DraftStep, index: rx.Var) -> rx.Component:
    last = index == S.plan_draft.length() - 1
    return rx.flex(
        rx.text(index + 1, ".", size="2", weight="bold", min_width="1.5em"),
        rx.input(
            name=f"name-{item.uid}",
            default_value=item.name,
            placeholder="ComponentName",
            aria_label="Step name",
            max_length=48,
            on_blur=lambda value: S.set_step_name(item.uid, value),
            width=["100%", "100%", "9em"],
            data_testid="plan-step-name",
        ),
        rx.input(
            name=f"purpose-{item.uid}",
            default_value=item.purpose,
            placeholder="What this step builds, in one line",
            aria_label="Step purpose",
            max_length=200,
            on_blur=lambda value: S.set_step_purpose(item.uid, value),
            flex_grow="1",
            width=["100%", "100%", "auto"],
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("arrow-up", size=14),
                type="button",
                size="1",
                variant="soft",
                aria_label="Move step up",
                disabled=index == 0,
                on_click=S.move_step(item.uid, -1),
            ),
            rx.icon_button(
                rx.icon("arrow-down", size=14),
                type="button",
                size="1",
                variant="soft",
                aria_label="Move step down",
                disabled=last,
                on_click=S.move_step(item.uid, 1),
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                type="button",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Remove step",
                on_click=S.remove_step(item.uid),
            ),
            spacing="1",
        ),
        key=item.uid,
        direction=rx.breakpoints(initial="column", md="row"),
        spacing="2",
        align=rx.breakpoints(initial="stretch", md="center"),
        width="100%",
        data_testid="plan-step",
    )


def plan_card() -> rx.Component:
    """Architect mode: the plan to approve, editable (names, purposes, order, add, remove)."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Plan", size="3", as_="h3"),
                rx.text(
                    "Edit, reorder, remove or add steps, then approve to start building.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.foreach(S.plan_draft, _draft_row),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add step",
                    type="button",
                    size="1",
                    variant="outline",
                    on_click=S.add_step,
                ),
                rx.cond(
                    S.plan_error != "",
                    rx.text(S.plan_error, color_scheme="red", size="2", role="alert"),
                ),
                rx.hstack(
                    rx.button("Approve", type="submit"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.cancel,
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.approve,
            reset_on_submit=False,
        ),
        data_testid="plan-card",
        width="100%",
    )


def progress_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(
                S.progress_label != "",
                rx.text(S.progress_label, weight="bold", data_testid="build-progress"),
            ),
            rx.progress(
                value=S.progress_value,
                width="100%",
                aria_label="Build progress",
                data_testid="build-progress-bar",
            ),
            rx.foreach(S.steps, step_badge),
            rx.hstack(
                rx.cond(
                    S.run_status == "running",
                    rx.button("Cancel", variant="soft", color_scheme="red", on_click=S.cancel),
                ),
                rx.cond(
                    S.failed_step >= 0,
                    rx.button(
                        rx.icon("rotate-ccw", size=14),
                        "Retry step",
                        on_click=S.retry_step,
                        data_testid="retry-step",
                    ),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _model_item(option: ModelOption) -> rx.Component:
    return rx.select.item(option.label, value=option.key)


def model_bar() -> rx.Component:
    """Model picker (persisted on the project) and the token meter."""
    return rx.vstack(
        rx.hstack(
            rx.text("Model", as_="label", size="1", weight="medium", html_for="builder-model"),
            rx.select.root(
                rx.select.trigger(id="builder-model", aria_label="Model", width="100%"),
                rx.select.content(rx.foreach(S.model_options, _model_item)),
                value=S.model_key,
                on_change=S.choose_model,
                size="1",
            ),
            rx.cond(S.model_offline, rx.badge("offline demo", variant="soft", color_scheme="gray")),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.hstack(
            rx.icon("gauge", size=14, aria_hidden="true"),
            rx.text(S.token_meter, size="1", color_scheme="gray", data_testid="token-meter"),
            align="center",
            spacing="1",
        ),
        spacing="1",
        width="100%",
    )


def run_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(S.run_status == "awaiting_approval", plan_card()),
        rx.cond(
            (S.run_status != "awaiting_approval") & (S.steps.length() > 0),
            progress_card(),
        ),
        rx.cond(
            S.run_status != "",
            rx.text("Run: ", S.run_status, size="1", color_scheme="gray", data_testid="run-status"),
        ),
        rx.cond(
            S.run_error != "",
            rx.text(S.run_error, color_scheme="red", size="2", data_testid="run-error"),
        ),
        width="100%",
        spacing="2",
    )


def chat_panel() -> rx.Component:
    return rx.vstack(
        model_bar(),
        # Keeps the newest message in view as the chat grows (unless the user scrolled up):
        # a column-reverse scroller is anchored at its end by the browser itself. (rx.auto_scroll
        # did this with hooks that broke React's hook order when the panel re-rendered.)
        rx.box(
            rx.vstack(
                rx.cond(
                    S.messages.length() == 0,
                    rx.text("No messages yet.", size="2", color_scheme="gray"),
                ),
                rx.foreach(S.messages, message),
                live_bubble(),
                spacing="2",
                width="100%",
            ),
            display="flex",
            flex_direction="column-reverse",
            overflow_y="auto",
            width="100%",
            max_height=["55vh", "55vh", "60vh"],
            role="log",
            aria_label="Builder chat",
            id="builder-chat-log",
        ),
        run_panel(),
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="prompt",
                    placeholder="Ask for a page or a change…",
                    aria_label="Message to the builder",
                    required=True,
                    max_length=4000,
                    rows="3",
                    width="100%",
                ),
                rx.cond(S.error != "", rx.text(S.error, color_scheme="red", role="alert")),
                rx.cond(
                    CapabilitiesState.builder_unavailable != "",
                    rx.callout(
                        CapabilitiesState.builder_unavailable,
                        icon="triangle-alert",
                        color_scheme="amber",
                        data_testid="builder-unavailable",
                    ),
                    rx.button("Send", type="submit", disabled=S.following),
                ),
                width="100%",
            ),
            on_submit=S.send,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
        spacing="3",
    )
