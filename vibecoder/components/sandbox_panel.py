"""Run a listing's code before buying: entry point, stdin/args, console, exit status, resources."""

from __future__ import annotations

import reflex as rx

from vibecoder.state.capabilities import CapabilitiesState as C
from vibecoder.state.sandbox_panel import SandboxPanelState as S

R = S.result
T = S.tests


def verified_badge() -> rx.Component:
    return rx.cond(
        T,
        rx.cond(
            (T.status == "done") & (T.tests_failed == 0) & (T.tests_passed > 0),
            rx.tooltip(
                rx.badge(
                    rx.icon("badge-check", size=14),
                    "verified: ",
                    T.tests_passed,
                    " tests pass",
                    color_scheme="green",
                    id="verified-badge",
                ),
                content="The version's own tests ran in the sandbox when it was published.",
            ),
            rx.cond(
                T.status == "done",
                rx.badge(
                    rx.icon("circle-x", size=14),
                    T.tests_failed,
                    " tests fail",
                    color_scheme="red",
                    id="verified-badge",
                ),
                rx.badge("tests: ", T.status, color_scheme="gray", id="verified-badge"),
            ),
        ),
    )


def _console() -> rx.Component:
    return rx.cond(
        R,
        rx.vstack(
            rx.hstack(
                rx.cond(
                    R.limit_reason != "",
                    rx.badge("stopped: ", R.limit_reason, color_scheme="amber"),
                    rx.badge(
                        "exit ", R.exit_code, color_scheme=rx.cond(R.exit_code == 0, "green", "red")
                    ),
                ),
                rx.text(
                    R.wall_ms,
                    " ms wall · ",
                    R.cpu_ms,
                    " ms CPU · ",
                    R.peak_memory_kb,
                    " KB peak memory",
                    size="1",
                    color_scheme="gray",
                ),
                wrap="wrap",
                align="center",
                id="run-status",
            ),
            rx.cond(
                (R.kind == "test") & (R.status == "done"),
                rx.text(
                    "Tests: ",
                    R.tests_passed,
                    " passed, ",
                    R.tests_failed,
                    " failed",
                    rx.cond(R.tests_skipped, rx.fragment(", ", R.tests_skipped, " skipped"), ""),
                    weight="medium",
                    color_scheme=rx.cond(
                        (R.tests_failed == 0) & (R.limit_reason == ""), "green", "red"
                    ),
                    size="2",
                    id="test-report",
                ),
            ),
            rx.box(
                # Labelled streams: plenty of programs log to stderr on success, so it is red
                # only when the run failed.
                rx.text("stdout", size="1", weight="bold", color_scheme="gray", as_="div"),
                rx.el.pre(
                    rx.cond(R.stdout != "", R.stdout, "(empty)"),
                    id="run-stdout",
                    aria_label="Standard output",
                    style={"white_space": "pre-wrap", "margin": 0},
                ),
                rx.cond(
                    R.stderr != "",
                    rx.fragment(
                        rx.text(
                            "stderr",
                            size="1",
                            weight="bold",
                            color_scheme="gray",
                            as_="div",
                            margin_top="var(--space-2)",
                        ),
                        rx.el.pre(
                            R.stderr,
                            id="run-stderr",
                            aria_label="Standard error",
                            class_name=rx.cond(R.exit_code == 0, "stderr-ok", "stderr-failed"),
                            style={
                                "white_space": "pre-wrap",
                                "margin": 0,
                                "color": rx.cond(
                                    (R.exit_code == 0) & (R.limit_reason == ""),
                                    "inherit",
                                    rx.color("red", 11),
                                ),
                            },
                        ),
                    ),
                ),
                rx.cond(
                    R.stdout_truncated | R.stderr_truncated,
                    rx.text("Output truncated at the limit.", size="1", color_scheme="amber"),
                ),
                background=rx.color("gray", 2),
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="6px",
                padding="var(--space-3)",
                width="100%",
                max_height="320px",
                overflow="auto",
                font_family="ui-monospace, monospace",
                font_size="12px",
            ),
            spacing="2",
            width="100%",
        ),
    )


def sandbox_panel() -> rx.Component:
    return rx.cond(
        S.entry_points.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("square-terminal", size=18),
                    rx.heading("Run in sandbox", size="4", as_="h2"),
                    rx.spacer(),
                    verified_badge(),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    "Try it before you buy: runs isolated, with no network, in seconds.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.flex(
                    rx.select.root(
                        rx.select.trigger(aria_label="Entry point", id="entry-point"),
                        rx.select.content(
                            rx.foreach(S.entry_points, lambda p: rx.select.item(p, value=p))
                        ),
                        value=S.entry_point,
                        on_change=S.set_entry_point,
                    ),
                    rx.input(
                        placeholder="arguments",
                        value=S.args,
                        on_change=S.set_args,
                        aria_label="Arguments",
                        id="run-args",
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text_area(
                    placeholder="standard input (optional)",
                    value=S.stdin,
                    on_change=S.set_stdin,
                    aria_label="Standard input",
                    rows="2",
                    width="100%",
                ),
                rx.cond(
                    C.sandbox_unavailable != "",
                    rx.callout(
                        C.sandbox_unavailable,
                        icon="triangle-alert",
                        color_scheme="amber",
                        id="sandbox-unavailable",
                    ),
                    rx.hstack(
                        rx.button(
                            rx.cond(S.running, rx.spinner(size="1"), rx.icon("play", size=14)),
                            rx.cond(S.running, S.status, "Run"),
                            on_click=S.start,
                            disabled=S.running,
                            id="run-sandbox",
                        ),
                        rx.cond(
                            S.has_tests,
                            rx.button(
                                rx.icon("flask-conical", size=14),
                                "Run tests",
                                on_click=S.start_tests,
                                disabled=S.running,
                                variant="soft",
                                id="run-tests",
                            ),
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                ),
                rx.cond(
                    S.error != "", rx.text(S.error, color_scheme="red", size="2", role="alert")
                ),
                _console(),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )
