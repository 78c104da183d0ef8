"""The sandbox panel's editor: pick a file, edit it, Run runs the edited copy, Reset restores."""

from __future__ import annotations

import reflex as rx

from vibecoder.components.code_editor import code_editor
from vibecoder.state.sandbox_editor import SandboxEditorState as E

# The editor sends its text after this pause; "Run" waits a little longer (sandbox_panel.py),
# so a run clicked right after typing still gets the last edit.
EDIT_DEBOUNCE_MS = 400


def sandbox_editor() -> rx.Component:
    return rx.cond(
        E.files.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.icon("file-pen-line", size=16),
                rx.text("Edit the code, then run your copy", size="2", weight="medium"),
                rx.spacer(),
                rx.select.root(
                    rx.select.trigger(aria_label="File to edit", id="edit-file"),
                    rx.select.content(rx.foreach(E.files, lambda p: rx.select.item(p, value=p))),
                    value=E.open_path,
                    on_change=E.open_file,
                ),
                width="100%",
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(
                E.notice != "",
                rx.callout(E.notice, icon="lock", size="1", id="editor-notice", width="100%"),
            ),
            rx.box(
                code_editor(
                    value=E.text,
                    language=E.language,
                    label=E.editor_label,
                    editable=E.editable,
                    on_change=E.edit.debounce(EDIT_DEBOUNCE_MS),
                    key=E.editor_key,
                    height="280px",
                    width="100%",
                ),
                width="100%",
                min_width="0",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="6px",
                overflow="hidden",
                # CodeMirror's light theme sets a white page but no text colour: without this
                # the app's light text would be inherited onto white.
                color="#1f2328",
                background="#ffffff",
                font_size="13px",
                id="sandbox-editor",
            ),
            rx.hstack(
                rx.cond(
                    E.edited.length() > 0,
                    rx.text(
                        "Edited: ",
                        E.edited.join(", "),
                        " — Run uses your copy.",
                        size="1",
                        color_scheme="violet",
                        id="edited-files",
                    ),
                    rx.text(
                        "Edits stay in this browser tab; the seller's files are never changed.",
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                rx.spacer(),
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    "Reset",
                    on_click=E.reset_edits,
                    disabled=E.edited.length() == 0,
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    id="reset-edits",
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.cond(E.error != "", rx.text(E.error, color_scheme="red", size="2", role="alert")),
            spacing="2",
            width="100%",
        ),
    )
