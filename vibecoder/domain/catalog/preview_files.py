"""Which files of a paid listing a visitor who has not bought it may read in full.

The seller marks them per listing with gitignore-style patterns (the syntax sellers already
write, matched by the `pathspec` library): `README*` is any README at any depth, `/docs/` is
the top-level docs folder, `src/cli.py` one file. Every other file shows its first lines only
(see code_viewer.py). Matching ignores case, like the README default always did.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import pathspec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from vibecoder.models.catalog import DEFAULT_PREVIEW_FILES
from vibecoder.text_hygiene import has_control_chars

MAX_PATTERNS = 50
MAX_PATTERN_CHARS = 200
# Letters, digits and the few punctuation marks file names and glob patterns use.
_ALLOWED = re.compile(r"^[\w.\-+@ /*?\[\]]+$")


def clean_patterns(values: Iterable[str]) -> list[str]:
    """The seller's patterns, trimmed and de-duplicated; ValueError says what to fix."""
    patterns: list[str] = []
    for raw in values:
        pattern = str(raw).strip()
        if not pattern or pattern in patterns:
            continue
        shown = pattern[:60]
        if len(pattern) > MAX_PATTERN_CHARS:
            raise ValueError(f"“{shown}…” is longer than {MAX_PATTERN_CHARS} characters")
        if has_control_chars(pattern) or "\t" in pattern:
            raise ValueError("a preview file pattern contains a control character")
        if "\\" in pattern:
            raise ValueError(f"“{shown}”: use / between folders, not \\")
        if pattern.startswith("!"):
            raise ValueError(f"“{shown}”: list the files to show; exclusions (!) are not supported")
        if not _ALLOWED.match(pattern):
            raise ValueError(
                f"“{shown}”: use letters, digits, . - _ / and the wildcards * ? [ ] only"
            )
        parts = pattern.strip("/").split("/")
        if any(part in ("..", ".") for part in parts):
            raise ValueError(f"“{shown}”: paths are inside the listing (no . or .. folders)")
        if "" in parts:
            raise ValueError(f"“{shown}”: a path has an empty folder name (//)")
        if GitIgnoreSpecPattern(pattern.lower()).regex is None:
            raise ValueError(f"“{shown}” is not a valid pattern (check its [ ] brackets)")
        patterns.append(pattern)
    if len(patterns) > MAX_PATTERNS:
        raise ValueError(f"at most {MAX_PATTERNS} preview file patterns")
    return patterns


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.PathSpec:
    return pathspec.PathSpec.from_lines("gitignore", [p.lower() for p in patterns])


def matcher(patterns: Iterable[str] | None) -> Callable[[str], bool]:
    """`path -> shown in full?` for a listing's patterns (None: the default ones)."""
    spec = _spec(tuple(DEFAULT_PREVIEW_FILES if patterns is None else patterns))
    return lambda path: spec.match_file(path.lower())


def is_preview_file(path: str, patterns: Iterable[str] | None = None) -> bool:
    return matcher(patterns)(path)
