"""What the code viewer shows for one file: highlighted text, capped, with a notice when cut."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from vibecoder.domain.catalog.detail import version_file
from vibecoder.domain.catalog.files import read_text
from vibecoder.infra import storage
from vibecoder.settings import get_settings

# Names the highlighter (react-syntax-highlighter / Prism) knows for our detected languages.
HIGHLIGHT_NAMES = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "typescript",
    "jsx": "jsx",
    "tsx": "tsx",
    "html": "markup",
    "css": "css",
    "json": "json",
    "markdown": "markdown",
    "yaml": "yaml",
    "toml": "toml",
    "shell": "bash",
    "go": "go",
    "rust": "rust",
    "sql": "sql",
    "dockerfile": "docker",
}


@dataclass(frozen=True)
class CodeExcerpt:
    text: str
    language: str
    notice: str


def read_for_viewer(*, session: Session, version_id: int, path: str) -> CodeExcerpt:
    item = version_file(session=session, version_id=version_id, path=path)
    if item is None:
        return CodeExcerpt("", "text", "This file is not part of the version.")
    if item.is_binary:
        return CodeExcerpt("", "text", f"Binary file ({item.size:,} bytes) — not shown.")
    limit = get_settings().code_viewer_max_bytes
    text, truncated = read_text(storage.get_blob_store(), item.sha256, limit)
    notice = (
        f"Showing the first {limit // 1024} KB of {item.size / 1024:,.0f} KB. "
        "Buy or download to see the whole file."
        if truncated
        else ""
    )
    return CodeExcerpt(text, HIGHLIGHT_NAMES.get(item.language, "text"), notice)
