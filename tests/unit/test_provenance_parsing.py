"""Prompt history from pasted transcripts and from ChatGPT / Claude conversation exports."""

from __future__ import annotations

import json

import pytest

from vibecoder.domain.catalog.provenance import parse_export, parse_tokens, parse_transcript
from vibecoder.errors import ValidationFailed

CHATGPT_EXPORT = [
    {
        "title": "Old chat",
        "update_time": 1700000000.0,
        "current_node": "a",
        "mapping": {"a": {"message": {"author": {"role": "user"}, "content": {"parts": ["old"]}}}},
    },
    {
        "title": "CSV deduper",
        "update_time": 1760000000.5,
        "current_node": "n4",
        "mapping": {
            "root": {"message": None, "parent": None},
            "n1": {
                "parent": "root",
                "message": {"author": {"role": "system"}, "content": {"parts": [""]}},
            },
            "n2": {
                "parent": "n1",
                "message": {
                    "author": {"role": "user"},
                    "content": {"content_type": "text", "parts": ["Write a CSV deduper"]},
                },
            },
            "n3": {
                "parent": "n2",
                "message": {"author": {"role": "tool"}, "content": {"parts": ["search..."]}},
            },
            "n4": {
                "parent": "n3",
                "message": {
                    "author": {"role": "assistant"},
                    "content": {"parts": ["Here is dedupe.py"]},
                },
            },
            "other-branch": {
                "parent": "n2",
                "message": {"author": {"role": "assistant"}, "content": {"parts": ["abandoned"]}},
            },
        },
    },
]

CLAUDE_EXPORT = [
    {
        "uuid": "c1",
        "name": "Snake engine",
        "updated_at": "2026-11-01T10:00:00Z",
        "chat_messages": [
            {"sender": "human", "text": "Snake game rules in JS", "content": []},
            {
                "sender": "assistant",
                "text": "",
                "content": [{"type": "text", "text": "Here is engine.js"}],
            },
        ],
    }
]


def test_chatgpt_export_takes_the_newest_conversation_and_its_visible_branch():
    messages, note = parse_export(json.dumps(CHATGPT_EXPORT).encode())
    assert messages == [
        {"role": "user", "content": "Write a CSV deduper"},
        {"role": "assistant", "content": "Here is dedupe.py"},
    ]
    assert "ChatGPT" in note and "CSV deduper" in note and "newest of 2" in note


def test_claude_export_reads_text_and_content_blocks():
    messages, note = parse_export(json.dumps(CLAUDE_EXPORT).encode())
    assert messages == [
        {"role": "user", "content": "Snake game rules in JS"},
        {"role": "assistant", "content": "Here is engine.js"},
    ]
    assert "Claude" in note and "Snake engine" in note


@pytest.mark.parametrize("data", [b"not json", b"[]", json.dumps([{"foo": 1}]).encode()])
def test_anything_else_is_refused_clearly(data):
    with pytest.raises(ValidationFailed) as err:
        parse_export(data)
    assert err.value.code == "invalid_export"


def test_pasted_transcripts_and_plain_prompts():
    text = "You: make a todo api\nwith sqlite\nChatGPT: here it is\n\nUser: add tests"
    assert parse_transcript(text) == [
        {"role": "user", "content": "make a todo api\nwith sqlite"},
        {"role": "assistant", "content": "here it is"},
        {"role": "user", "content": "add tests"},
    ]
    assert parse_transcript("just one prompt\nover two lines") == [
        {"role": "user", "content": "just one prompt\nover two lines"}
    ]
    assert parse_tokens("12,345") == 12345 and parse_tokens("") == 0
    with pytest.raises(ValidationFailed):
        parse_tokens("lots")
