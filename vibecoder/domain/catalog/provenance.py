"""A version's AI provenance as the seller records it in the editor.

The prompt history is typed, pasted as a transcript ("User: … / Assistant: …"), or imported from
a conversation export: ChatGPT's `conversations.json` (a `mapping` tree of messages per
conversation) or Claude's (`chat_messages` with `sender` human/assistant). Parsing never stores
anything: the editor shows the result as a preview, and only "Save" writes it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import NotFound, ValidationFailed
from vibecoder.models.catalog import AiMetadata, ListingVersion
from vibecoder.models.users import User

MAX_EXPORT_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 500
_SPEAKER = re.compile(
    r"^\s*(user|you|human|me|prompt|assistant|chatgpt|gpt|claude|ai|model|system)\s*:\s?(.*)$",
    re.IGNORECASE,
)
_ROLES = {
    "user": "user",
    "you": "user",
    "human": "user",
    "me": "user",
    "prompt": "user",
    "system": "system",
}


def parse_transcript(text: str) -> list[dict[str, str]]:
    """Pasted text: "User:"/"Assistant:" (or You/ChatGPT/Claude/…) lines start turns; text
    without any speaker label is one user prompt."""
    entries: list[dict[str, str]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _SPEAKER.match(line)
        if match:
            role = _ROLES.get(match.group(1).lower(), "assistant")
            entries.append({"role": role, "content": match.group(2)})
        elif entries:
            entries[-1]["content"] += "\n" + line
        elif line.strip():
            entries.append({"role": "user", "content": line})
    return [
        {"role": e["role"], "content": e["content"].strip()}
        for e in entries
        if e["content"].strip()
    ][:MAX_ENTRIES]


def _chatgpt_messages(conversation: dict) -> list[dict[str, str]]:
    """Walk ChatGPT's message tree from the current node up to the root (the branch shown)."""
    mapping = conversation.get("mapping") or {}
    node_id = conversation.get("current_node")
    chain: list[dict] = []
    seen: set[str] = set()
    while node_id and node_id in mapping and node_id not in seen:
        seen.add(node_id)
        node = mapping[node_id]
        if node.get("message"):
            chain.append(node["message"])
        node_id = node.get("parent")
    if not chain:  # no current_node: take the messages in creation order
        chain = sorted(
            (n["message"] for n in mapping.values() if n.get("message")),
            key=lambda m: m.get("create_time") or 0,
        )
    else:
        chain.reverse()
    out = []
    for message in chain:
        role = (message.get("author") or {}).get("role", "")
        if role not in ("user", "assistant", "system"):
            continue  # tool calls and other internals are not the conversation
        parts = (message.get("content") or {}).get("parts") or []
        text = "\n".join(p for p in parts if isinstance(p, str)).strip()
        if text:
            out.append({"role": role, "content": text})
    return out


def _claude_messages(conversation: dict) -> list[dict[str, str]]:
    out = []
    for message in conversation.get("chat_messages") or []:
        role = {"human": "user", "assistant": "assistant"}.get(message.get("sender", ""))
        if role is None:
            continue
        text = (message.get("text") or "").strip()
        if not text:
            blocks = message.get("content") or []
            text = "\n".join(
                b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text"
            ).strip()
        if text:
            out.append({"role": role, "content": text})
    return out


def parse_export(data: bytes) -> tuple[list[dict[str, str]], str]:
    """(prompt history, a note saying what was read) from a ChatGPT or Claude export file.

    An export holds every conversation of the account: the most recently updated one is taken
    (the note names it), which is the one a seller exports right after generating the code.
    """
    if len(data) > MAX_EXPORT_BYTES:
        raise ValidationFailed("export_too_large", "Conversation exports are limited to 20 MB.")
    try:
        parsed: Any = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            "invalid_export", "This is not a JSON conversation export.", field="export"
        ) from exc
    conversations = parsed if isinstance(parsed, list) else [parsed]
    conversations = [c for c in conversations if isinstance(c, dict)]

    def updated(c: dict) -> str:
        stamp = c.get("update_time") or c.get("updated_at") or c.get("create_time") or 0
        return str(stamp).rjust(32, "0") if isinstance(stamp, int | float) else str(stamp)

    for conversation in sorted(conversations, key=updated, reverse=True):
        if "mapping" in conversation:
            messages, source = _chatgpt_messages(conversation), "ChatGPT"
        elif "chat_messages" in conversation:
            messages, source = _claude_messages(conversation), "Claude"
        else:
            continue
        if messages:
            title = str(conversation.get("title") or conversation.get("name") or "untitled")[:80]
            more = f" (the newest of {len(conversations)})" if len(conversations) > 1 else ""
            note = (
                f"Imported {len(messages)} messages of the {source} conversation “{title}”{more}."
            )
            return messages[:MAX_ENTRIES], note
    raise ValidationFailed(
        "invalid_export",
        "No conversation found: upload ChatGPT's or Claude's conversations.json.",
        field="export",
    )


def parse_tokens(text: str) -> int:
    text = (text or "").replace(",", "").replace("_", "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ValidationFailed("invalid_tokens", "Token counts are whole numbers.", field="tokens")
    return int(text)


def parse_date(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValidationFailed(
            "invalid_date", "Use a date like 2026-11-20.", field="generated_at"
        ) from exc
    if day > datetime.now(UTC).date():
        raise ValidationFailed("invalid_date", "The date cannot be in the future.")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def provenance_of(*, session: Session, seller: User, version_id: int) -> AiMetadata | None:
    version = session.get(ListingVersion, version_id)
    if version is None:
        raise NotFound("version_not_found", "No such version.")
    catalog.get_own_listing(session=session, seller=seller, listing_id=version.listing_id)
    return session.get(AiMetadata, version_id)


def save_provenance(
    *, session: Session, seller: User, version_id: int, data: dict[str, Any]
) -> AiMetadata:
    """Validate and store a version's provenance (replacing what was recorded)."""
    provenance_of(session=session, seller=seller, version_id=version_id)  # ownership
    meta = catalog._parse(catalog.AiMetadataInput, data)
    row = session.get(AiMetadata, version_id)
    if row is None:
        row = AiMetadata(version_id=version_id, **meta.model_dump())
    else:
        for key, value in meta.model_dump().items():
            setattr(row, key, value)
    session.add(row)
    session.flush()
    return row
