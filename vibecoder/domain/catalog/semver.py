"""Semantic versions (semver.org 2.0.0): strict parsing and precedence ordering."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""


def parse(text: str) -> Version:
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError("Versions look like 1.4.2 (MAJOR.MINOR.PATCH), at most 64 characters.")
    match = _SEMVER.match(text.strip())
    if not match:
        raise ValueError(
            f"{text!r} is not a semantic version; use MAJOR.MINOR.PATCH like 1.0.0 or 2.1.0-beta.1"
        )
    major, minor, patch, pre, build = match.groups()
    return Version(
        int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else (), build or ""
    )


def _prerelease_key(parts: tuple[str, ...]) -> tuple:
    # A release outranks its pre-releases; numeric identifiers sort below alphanumeric ones.
    if not parts:
        return (1,)
    return (0, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def sort_key(text: str) -> tuple:
    version = parse(text)
    return (version.major, version.minor, version.patch, _prerelease_key(version.prerelease))


def next_patch(existing: list[str]) -> str:
    """The version an editor pre-fills: the highest existing release with patch + 1."""
    valid = [v for v in existing if _SEMVER.match(v.strip())]
    if not valid:
        return "1.0.0"
    top = parse(max(valid, key=sort_key))
    # 1.2.0-beta.1 is followed by 1.2.0 itself; a release by its next patch.
    if top.prerelease:
        return f"{top.major}.{top.minor}.{top.patch}"
    return f"{top.major}.{top.minor}.{top.patch + 1}"


def below_latest(candidate: str, existing: list[str]) -> str | None:
    """The highest existing version when `candidate` sorts below it (a likely typo), else None."""
    try:
        key = sort_key(candidate)
    except ValueError:
        return None
    valid = [v for v in existing if _SEMVER.match(v.strip())]
    if not valid:
        return None
    top = max(valid, key=sort_key)
    return top if key < sort_key(top) else None
