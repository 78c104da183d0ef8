"""The one-way dependencies of pyproject's import-linter contracts hold, and would catch a breach.

The contracts run on the real tree (the same check as `make lint`), and on a copy of the tree
where a domain module imports `workers` or `reflex`, which must fail: a contract that cannot
fail proves nothing.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        # The tree under test shadows the installed one; nothing else of the environment leaks.
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
    )


def _copy_tree(dest: Path) -> Path:
    """The Python sources of the three root packages plus pyproject, nothing else."""
    keep = shutil.ignore_patterns("__pycache__", "seed_data", "*.pyc")
    for package in ("vibecoder", "workers", "sandbox"):
        shutil.copytree(ROOT / package, dest / package, ignore=keep)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_the_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        (
            "vibecoder/domain/commerce/refunds.py",
            "import workers.payments",
            "vibecoder never imports workers",
        ),
        (
            "vibecoder/domain/catalog/listings.py",
            "import reflex",
            "domain, infra, models and the builder never import reflex",
        ),
        (
            "vibecoder/models/users.py",
            "import vibecoder.domain.catalog.listings",
            "layers:",
        ),
        ("sandbox/limits.py", "import vibecoder.settings", "the sandbox runner imports nothing"),
        (
            "vibecoder/builder/markers.py",
            "import vibecoder.state.auth",
            "the builder agent never imports pages, components or state",
        ),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, bad_import, broken):
    tree = _copy_tree(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + f"\n{bad_import}  # noqa\n")
    result = _lint_imports(tree)
    assert result.returncode != 0, result.stdout
    line = next(row for row in result.stdout.splitlines() if row.startswith(broken))
    assert line.endswith("BROKEN"), result.stdout


def _registered_task_names() -> set[str]:
    names = set()
    for path in (ROOT / "workers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "name"
                and isinstance(node.value, ast.Constant)
                and str(node.value.value).startswith("workers.")
            ):
                names.add(node.value.value)
    return names


def test_every_task_sent_by_name_is_a_registered_task():
    """Tasks go out by name (infra.dispatch): a typo would queue work no worker ever runs."""
    registered = _registered_task_names()
    assert "workers.payments.process_event" in registered
    sent = set()
    for path in (ROOT / "vibecoder").rglob("*.py"):
        sent |= set(re.findall(r"\"(workers\.[a-z_]+\.[a-z_]+)\"", path.read_text()))
    assert sent, "no task names found in vibecoder/"
    assert sent <= registered, sorted(sent - registered)
