"""A code editor for Reflex: CodeMirror 6 through `@uiw/react-codemirror` (line numbers, syntax
highlighting for Python and JavaScript/JSX, an accessible name on the editable text).

The text is sent to the server only when the visitor pauses (`on_change` debounced by the
caller), so the state holds the one open file as loaded, not every keystroke.
"""

from __future__ import annotations

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import Var, VarData

# One copy of @codemirror/state and /view: two would make CodeMirror reject the extensions.
CODEMIRROR_PACKAGES = [
    "@codemirror/state@6.7.6",
    "@codemirror/view@6.43.15",
    "@codemirror/theme-one-dark@6.1.3",
    "codemirror@6.0.2",
    "@codemirror/lang-python@6.2.1",
    "@codemirror/lang-javascript@6.2.5",
]
JS_LANGUAGES = ("javascript", "jsx", "typescript", "tsx")


def _extensions(language: Var, label: Var, editable: Var) -> Var:
    """The language mode for `language`, and the content's name, read-only state and focus
    (a read-only file can still be scrolled from the keyboard), as a JS expression."""
    js = ", ".join(f'"{name}"' for name in JS_LANGUAGES)
    expr = (
        f'[...({language} === "python" ? [python()] : [{js}].includes({language}) '
        f'? [javascript({{jsx: true, typescript: String({language}).startsWith("t")}})] : []), '
        f'EditorView.contentAttributes.of({{"aria-label": {label}, '
        f'"aria-readonly": String(!{editable}), tabindex: "0"}}), EditorView.lineWrapping]'
    )
    return Var(
        _js_expr=expr,
        _var_type=list,
        _var_data=VarData.merge(
            VarData(
                imports={
                    "@codemirror/lang-python@6.2.1": [ImportVar(tag="python")],
                    "@codemirror/lang-javascript@6.2.5": [ImportVar(tag="javascript")],
                    "@codemirror/view@6.43.15": [ImportVar(tag="EditorView")],
                }
            ),
            language._get_all_var_data(),
            label._get_all_var_data(),
            editable._get_all_var_data(),
        ),
    )


class CodeMirror(rx.NoSSRComponent):
    """`<CodeMirror />` of @uiw/react-codemirror (its default export)."""

    library = "@uiw/react-codemirror@4.25.12"
    tag = "CodeMirror"
    is_default = True
    lib_dependencies: list[str] = CODEMIRROR_PACKAGES

    value: Var[str]
    theme: Var[str]
    height: Var[str]
    min_height: Var[str]
    max_height: Var[str]
    width: Var[str]
    editable: Var[bool]
    read_only: Var[bool]
    basic_setup: Var[bool]
    indent_with_tab: Var[bool]
    extensions: Var[list]

    # onChange(value, viewUpdate): only the text goes to the server.
    on_change: rx.EventHandler[lambda value, _update: [value]]


def code_editor(
    *, value: Var, language: Var, label: Var, editable: Var, on_change, key: Var, **props
) -> rx.Component:
    return CodeMirror.create(
        value=value,
        # The light theme: its line numbers, comments and strings all pass WCAG AA contrast
        # (One Dark's grey comments and gutter do not).
        theme="light",
        editable=editable,
        read_only=~editable,
        basic_setup=True,
        # Tab moves focus out of the editor (keyboard users are not trapped); indent with spaces.
        indent_with_tab=False,
        extensions=_extensions(language, label, editable),
        on_change=on_change,
        key=key,
        **props,
    )
