"""Standalone runner for untrusted code: bubblewrap or Docker isolation, limits, measured results.

    from sandbox import RunRequest, Limits, run
    result = run(RunRequest(language="python", files_dir=path, entry="main.py", stdin="42"))

Nothing here touches the application's database or UI; see README.md for the isolation layers.
"""

from __future__ import annotations

from sandbox.backends import Backend, get_backend
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxBusy, SandboxError, SandboxUnavailable
from sandbox.models import Language, LimitReason, Limits, RunRequest, RunResult, TestRunResult
from sandbox.testing import run_tests


def run(request: RunRequest, backend: Backend | str | None = None) -> RunResult:
    """Run one request in the given backend (an instance or a name), default "auto"."""
    if backend is None or isinstance(backend, str):
        backend = get_backend(backend or "auto")
    return backend.run(request)


__all__ = [
    "Backend",
    "Language",
    "LimitReason",
    "Limits",
    "RunRequest",
    "RunResult",
    "SandboxBusy",
    "SandboxConfig",
    "SandboxError",
    "SandboxUnavailable",
    "TestRunResult",
    "get_backend",
    "run",
    "run_tests",
]
