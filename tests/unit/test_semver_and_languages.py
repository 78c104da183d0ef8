from __future__ import annotations

import pytest

from vibecoder.domain.catalog import semver
from vibecoder.domain.catalog.languages import detect_language, is_binary
from vibecoder.domain.commerce.money import format_price


@pytest.mark.parametrize("text", ["1.0", "01.0.0", "1.0.0.0", "v1.0.0", "1.0.0-", "", "a.b.c"])
def test_invalid_versions_are_refused(text):
    with pytest.raises(ValueError):
        semver.parse(text)


def test_precedence_follows_semver_org():
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.2.0",
        "1.10.0",
        "2.0.0+build.5",
    ]
    assert sorted(reversed(ordered), key=semver.sort_key) == ordered


def test_language_detection():
    assert detect_language("src/App.jsx") == "jsx"
    assert detect_language("Dockerfile") == "dockerfile"
    assert detect_language("bin/tool", b"#!/usr/bin/env python3\n") == "python"
    assert detect_language("notes.weird") == "text"
    assert is_binary(b"\x89PNG\x00\x00") and not is_binary("héllo".encode())


def test_prices_are_formatted_from_cents():
    assert format_price(0, "usd", "free") == "Free"
    assert format_price(1900, "usd", "one_time") == "$19"
    assert format_price(750, "eur", "subscription_monthly") == "€7.50 / month"
    assert format_price(5, "usd", "usage") == "$0.05 / run"
