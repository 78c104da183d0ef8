"""Test detection, the test-run request, and parsing pass/fail/skip counts from the output."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sandbox.models import Language, Limits, RunRequest, RunResult, TestRunResult

if TYPE_CHECKING:
    from sandbox.backends.base import Backend

PYTEST_COMMAND = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="]
# Without file arguments node 22 finds **/*.test.{js,mjs,cjs}, **/test/**/*.js and friends.
NODE_COMMAND = ["node", "--test", "--test-reporter=tap"]

_JS = (".js", ".mjs", ".cjs")


def _is_pytest_file(path: PurePosixPath) -> bool:
    if path.suffix != ".py":
        return False
    name = path.name
    return name.startswith("test_") or name.endswith("_test.py") or "tests" in path.parts[:-1]


def _is_node_test_file(path: PurePosixPath) -> bool:
    if path.suffix not in _JS or "node_modules" in path.parts:
        return False
    stem = path.name[: -len(path.suffix)]
    return stem.endswith((".test", "-test", "_test")) or "test" in path.parts[:-1]


def detect(files: Iterable[str]) -> Language | None:
    """Which test framework a file list calls for: pytest (python) or `node --test` (node)."""
    paths = [PurePosixPath(f.replace(os.sep, "/")) for f in files]
    if any(_is_pytest_file(p) for p in paths):
        return Language.PYTHON
    if any(_is_node_test_file(p) for p in paths):
        return Language.NODE
    return None


def list_files(files_dir: str | Path) -> list[str]:
    root = Path(files_dir)
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def build_request(
    files_dir: str | Path, language: Language | str, limits: Limits | None = None
) -> RunRequest:
    language = Language(language)
    command = PYTEST_COMMAND if language is Language.PYTHON else NODE_COMMAND
    # Autoloading every plugin of the bound venv (playwright, hypothesis, ...) costs ~0.5 s a run
    # and none of them is needed to run plain generated tests.
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"} if language is Language.PYTHON else {}
    return RunRequest(
        language=language,
        files_dir=files_dir,
        command=list(command),
        limits=limits or Limits(),
        env=env,
    )


_PYTEST_COUNT = re.compile(
    r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected|warnings?)"
)
_PYTEST_SUMMARY = re.compile(r"\b(passed|failed|skipped|errors?|no tests ran)\b.* in [\d.]+s")


def parse_pytest(output: str) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    for line in reversed(output.splitlines()):
        if not _PYTEST_SUMMARY.search(line):
            continue
        for number, word in _PYTEST_COUNT.findall(line):
            n = int(number)
            if word in ("passed", "xpassed"):
                counts["passed"] += n
            elif word == "failed":
                counts["failed"] += n
            elif word in ("skipped", "xfailed"):
                counts["skipped"] += n
            elif word.startswith("error"):
                counts["errors"] += n
        break
    return counts


_TAP_COUNT = re.compile(r"^# (pass|fail|skipped|todo|cancelled) (\d+)\s*$", re.MULTILINE)


def parse_node_tap(output: str) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
    found = dict((word, int(n)) for word, n in _TAP_COUNT.findall(output))
    counts["passed"] = found.get("pass", 0)
    counts["failed"] = found.get("fail", 0)
    counts["skipped"] = found.get("skipped", 0) + found.get("todo", 0)
    counts["errors"] = found.get("cancelled", 0)
    return counts


def summarize(language: Language | str, result: RunResult) -> TestRunResult:
    language = Language(language)
    text = result.stdout.decode("utf-8", "replace")
    if language is Language.PYTHON:
        counts, framework = parse_pytest(text), "pytest"
    else:
        counts, framework = parse_node_tap(text), "node"
    return TestRunResult(framework=framework, run=result, **counts)


def run_tests(
    files_dir: str | Path,
    language: Language | str | None = None,
    limits: Limits | None = None,
    backend: Backend | str | None = None,
) -> TestRunResult:
    """Detect the framework (unless `language` is given), run the tests sandboxed, count them."""
    from sandbox import run  # late: sandbox/__init__ imports this module

    if language is None:
        language = detect(list_files(files_dir))
        if language is None:
            raise ValueError(f"no pytest or node tests found in {files_dir}")
    request = build_request(files_dir, language, limits)
    return summarize(language, run(request, backend))
