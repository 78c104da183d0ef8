"""The per-version provenance dialog of the listing editor: fields, prompts, preview, save."""

from __future__ import annotations

import reflex as rx

from vibecoder.state.provenance import PROVIDERS, PromptRow, ProvenanceState

S = ProvenanceState


def provenance_button(version_id: rx.Var, version: rx.Var) -> rx.Component:
    return rx.button(
        rx.icon("sparkles", size=12),
        "Provenance",
        size="1",
        variant="soft",
        on_click=S.edit(version_id, version),
        class_name="edit-provenance",
        aria_label="Edit AI provenance of version " + version.to_string(),
    )


def _field(label: str, id: str, value: rx.Var, **props) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="2", as_="span"),
        rx.input(id=id, name=id, default_value=value, width="100%", **props),
        display="flex",
        flex_direction="column",
        gap="var(--space-1)",
        width="100%",
    )


def _prompt(row: PromptRow) -> rx.Component:
    return rx.box(
        rx.badge(row.role, color_scheme=rx.cond(row.role == "user", "violet", "gray")),
        rx.text(row.content, size="2", white_space="pre-wrap", class_name="line-clamp-4"),
        padding="var(--space-2)",
        border_radius="6px",
        background=rx.color("gray", 3),
        width="100%",
    )


def provenance_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("AI provenance of version ", S.version_label),
            rx.dialog.description(
                "Buyers see which model wrote this version and from which prompts.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    rx.grid(
                        _field(
                            "Model", "model", S.model, placeholder="e.g. gpt-4.1", required=True
                        ),
                        rx.vstack(
                            rx.text("Provider", as_="label", html_for="provider", size="2"),
                            rx.select.root(
                                rx.select.trigger(id="provider", aria_label="Provider"),
                                rx.select.content(*[rx.select.item(p, value=p) for p in PROVIDERS]),
                                value=S.provider,
                                on_change=S.set_provider,
                            ),
                            spacing="1",
                        ),
                        _field("Temperature", "temperature", S.temperature, placeholder="0.2"),
                        _field("Generated on", "generated", S.generated, placeholder="2026-11-20"),
                        _field("Tokens in", "tokens_in", S.tokens_in, inputmode="numeric"),
                        _field("Tokens out", "tokens_out", S.tokens_out, inputmode="numeric"),
                        _field(
                            "Tokens total (if no split)",
                            "tokens_total",
                            S.tokens_total,
                            inputmode="numeric",
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.heading("Prompt history", size="3", as_="h3"),
                    rx.text(
                        "Type or paste the prompts (lines starting with “User:” and "
                        "“Assistant:” become separate turns), or import a ChatGPT or Claude "
                        "conversation export.",
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.text_area(
                        value=S.transcript,
                        on_change=S.set_transcript,
                        rows="4",
                        width="100%",
                        aria_label="Prompts, typed or pasted",
                        id="provenance-transcript",
                        name="transcript",
                    ),
                    rx.hstack(
                        rx.button(
                            "Preview text",
                            type="button",
                            variant="soft",
                            size="1",
                            on_click=S.preview_transcript,
                            id="provenance-preview",
                        ),
                        rx.upload.root(
                            rx.button(
                                rx.icon("file-json", size=12),
                                "Import conversation export…",
                                type="button",
                                variant="soft",
                                size="1",
                            ),
                            id="provenance-export",
                            accept={"application/json": [".json"]},
                            max_files=1,
                            on_drop=S.import_export(rx.upload_files(upload_id="provenance-export")),
                            no_drag=True,
                        ),
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.cond(S.note != "", rx.text(S.note, size="2", id="provenance-note")),
                    rx.cond(
                        S.error != "",
                        rx.text(S.error, color_scheme="red", size="2", role="alert"),
                    ),
                    rx.cond(
                        S.prompts.length() > 0,
                        rx.vstack(
                            rx.text("Preview: ", S.prompts.length(), " messages", size="2"),
                            rx.foreach(S.prompts, _prompt),
                            max_height="240px",
                            overflow_y="auto",
                            width="100%",
                            spacing="2",
                            id="provenance-prompts",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft")),
                        rx.button("Save provenance", type="submit", id="provenance-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save,
            ),
            max_width="640px",
        ),
        open=S.open,
        on_open_change=S.set_open,
    )
