"""Stored text loses its HTML (nh3), code stays; real client addresses behind trusted proxies."""

from __future__ import annotations

import pytest

from vibecoder.domain.text_hygiene import clean_markdown, has_control_chars
from vibecoder.infra.client_address import real_client_address
from vibecoder.settings import get_settings


def test_clean_markdown_removes_tags_keeps_text_and_code():
    assert clean_markdown("a < b & c\n> quote\n\n**bold**") == "a < b & c\n> quote\n\n**bold**"
    assert clean_markdown("x <img src=x onerror=alert(1)> y") == "x  y"
    assert clean_markdown('<iframe srcdoc="<script>parent.x</script>"></iframe>ok') == "ok"
    # Entity tricks unescape into a tag, which the next round removes.
    assert clean_markdown("&lt;script&gt;alert(1)&lt;/script&gt;ok") == "ok"
    assert clean_markdown("<style>body{display:none}</style><form action=//x>f</form>") == "f"
    code = "use `<Button />`\n```jsx\n<div onClick={x}>hi</div>\n```\nend <b>z</b>"
    assert clean_markdown(code) == "use `<Button />`\n```jsx\n<div onClick={x}>hi</div>\n```\nend z"
    assert clean_markdown("nul\x00byte") == "nulbyte"


def test_control_characters_are_detected():
    assert (
        has_control_chars("a\x00b") and has_control_chars("\x1b[31m") and has_control_chars("\x7f")
    )
    assert not has_control_chars("tab\tnew\nline\r ünïcode ✓")


@pytest.fixture
def trusted(monkeypatch):
    monkeypatch.setenv("VIBECODER_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    monkeypatch.setenv("VIBECODER_TRUSTED_PROXY_HOPS", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(trusted):
    assert real_client_address("10.1.2.3", "203.0.113.7") == "203.0.113.7"
    # A client-supplied chain: only the address the trusted proxy appended counts.
    assert real_client_address("10.1.2.3", "1.1.1.1, 203.0.113.7") == "203.0.113.7"
    # An untrusted peer is the client, whatever it claims.
    assert real_client_address("198.51.100.9", "203.0.113.7") == "198.51.100.9"
    assert real_client_address("10.1.2.3", "not-an-ip") == "10.1.2.3"
    assert real_client_address("10.1.2.3", None) == "10.1.2.3"


def test_without_trusted_proxies_forwarded_headers_are_ignored():
    assert real_client_address("198.51.100.9", "203.0.113.7") == "198.51.100.9"
