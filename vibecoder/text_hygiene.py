"""Untrusted text (seller, buyer and model text) checked on the way in and cleaned on save.

Two walls against stored XSS: pages render this text as markdown *without* raw HTML (see
vibecoder/components/safe_markdown.py), and what is stored has every HTML tag removed by nh3
(Ammonia) as a second wall, so a future renderer that forgets the first one still shows text.
Code spans and fenced blocks are left alone: they always render as literal code, and a code
marketplace's descriptions are full of `<Component />` examples.
"""

from __future__ import annotations

import html
import re

import nh3

# Fenced blocks (``` or ~~~, closed or running to the end) and inline code spans.
_CODE = re.compile(r"(```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`)", re.S)
# C0 controls except tab/newline/carriage return, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# One-line fields also refuse line breaks and tabs.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_chars(text: str) -> bool:
    """NUL and other control characters: never legitimate in a form field or a query."""
    return bool(_CONTROL.search(text))


def control_char_problem(text: str, *, multiline: bool) -> str | None:
    """What is wrong with `text` as a form field's value (a phrase after the field's name).

    Multi-line text keeps line breaks (\\n, \\r) and tabs; one-line text keeps none.
    """
    # A one-line field's surrounding whitespace is trimmed on save anyway.
    found = (_CONTROL if multiline else _CONTROL_ONE_LINE).search(
        text if multiline else text.strip(" \t\r\n")
    )
    if found is None:
        return None
    char = found.group()
    if char in "\n\r":
        return "must fit on one line (remove the line break)."
    if char == "\t":
        return "must not contain a tab character."
    return f"contains a control character (U+{ord(char):04X}); remove it."


def _strip_tags(text: str) -> str:
    # nh3 removes every tag (and script/style/iframe content) and escapes what is left;
    # unescaping gives back the author's `a < b & c`. Repeating until stable defeats
    # entity tricks (`&lt;script&gt;` unescapes to a tag, which the next round removes).
    for _ in range(5):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            return text
        text = cleaned
    return nh3.clean(text, tags=set())


def clean_markdown(text: str | None) -> str | None:
    """The stored form of untrusted markdown: no HTML tags outside code, no control chars."""
    if not text:
        return text
    text = _CONTROL.sub("", text)
    parts = _CODE.split(text)
    # With one capturing group, split puts the code pieces at the odd indices.
    return "".join(part if i % 2 else _strip_tags(part) for i, part in enumerate(parts))
