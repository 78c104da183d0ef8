"""Which language a file is written in, and whether it is text at all."""

from __future__ import annotations

from pathlib import PurePosixPath

BY_EXTENSION = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "jsx",
    ".ts": "typescript",
    ".tsx": "tsx",
    ".html": "html",
    ".htm": "html",
    ".css": "css",
    ".scss": "css",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".toml": "toml",
    ".sh": "shell",
    ".bash": "shell",
    ".go": "go",
    ".rs": "rust",
    ".sql": "sql",
    ".txt": "text",
    ".csv": "text",
    ".ini": "text",
    ".cfg": "text",
    ".env": "text",
    ".xml": "html",
    ".svg": "html",
}
BY_NAME = {
    "dockerfile": "dockerfile",
    "makefile": "shell",
    "readme": "markdown",
    "license": "text",
    "requirements.txt": "text",
}
SHEBANGS = {"python": "python", "node": "javascript", "bash": "shell", "sh": "shell"}
SNIFF_BYTES = 8192


def is_binary(head: bytes) -> bool:
    """NUL bytes or undecodable UTF-8 in the first 8 KB mean binary."""
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still text.
        return exc.start < len(sample) - 3
    return False


def detect_language(path: str, head: bytes = b"") -> str:
    name = PurePosixPath(path).name.lower()
    if name in BY_NAME:
        return BY_NAME[name]
    suffix = PurePosixPath(name).suffix
    if suffix in BY_EXTENSION:
        return BY_EXTENSION[suffix]
    if head.startswith(b"#!"):
        first_line = head.split(b"\n", 1)[0].decode("utf-8", "ignore")
        for marker, language in SHEBANGS.items():
            if marker in first_line:
                return language
    return "text"
