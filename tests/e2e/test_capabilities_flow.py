"""`python -m vibecoder dev` names what this server can do before it serves anything."""

from __future__ import annotations


def test_dev_prints_each_capability_with_its_reason(live_app):
    log = live_app.log_path.read_text(errors="replace")
    start = log.index("capabilities of this server:")
    lines = log[start:].splitlines()[1:5]
    assert [line.split()[0] for line in lines] == ["sandbox", "preview", "bundler", "embedding"]
    assert lines[0].split(None, 1)[1] == "available: bwrap isolates runs"
    assert lines[1].endswith("available: Chromium at /usr/bin/chromium starts headless")
    assert all("UNAVAILABLE" not in line for line in lines), lines
