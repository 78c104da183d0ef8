"""Test-framework detection and count parsing (pure functions)."""

from __future__ import annotations

from sandbox import Language, Limits
from sandbox.testing import build_request, detect, parse_node_tap, parse_pytest


def test_detect_pytest_layouts():
    assert detect(["app.py", "test_app.py"]) is Language.PYTHON
    assert detect(["app.py", "app_test.py"]) is Language.PYTHON
    assert detect(["pkg/app.py", "tests/check_app.py"]) is Language.PYTHON


def test_detect_node_layouts():
    assert detect(["index.js", "index.test.js"]) is Language.NODE
    assert detect(["lib/sum.mjs", "test/sum.js"]) is Language.NODE
    assert detect(["node_modules/x/test/a.js", "index.js"]) is None


def test_detect_nothing():
    assert detect(["README.md", "main.py", "index.js"]) is None


def test_build_request():
    request = build_request("/tmp/x", "python", Limits(wall_seconds=3))
    assert request.command[:3] == ["python", "-m", "pytest"]
    assert "no:cacheprovider" in request.command
    assert request.limits.wall_seconds == 3
    assert build_request("/tmp/x", "node").command[:2] == ["node", "--test"]


def test_parse_pytest_summaries():
    assert parse_pytest("..F\n1 failed, 2 passed, 1 skipped in 0.12s\n") == {
        "passed": 2,
        "failed": 1,
        "skipped": 1,
        "errors": 0,
    }
    assert parse_pytest("==== 3 passed, 1 xfailed, 2 warnings in 1.0s ====")["skipped"] == 1
    assert parse_pytest("1 error in 0.30s\n")["errors"] == 1
    assert parse_pytest("no tests ran in 0.01s\n") == {
        "passed": 0,
        "failed": 0,
        "skipped": 0,
        "errors": 0,
    }
    # a test that prints a look-alike line early does not win over the real summary
    assert parse_pytest("5 passed in 1s (fake)\n..\n2 passed in 0.05s\n")["passed"] == 2


def test_parse_node_tap():
    tap = "TAP version 13\nok 1 - a\n# tests 4\n# pass 2\n# fail 1\n# cancelled 0\n"
    tap += "# skipped 1\n# todo 1\n"
    assert parse_node_tap(tap) == {"passed": 2, "failed": 1, "skipped": 2, "errors": 0}
