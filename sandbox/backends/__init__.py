"""Backend selection: bubblewrap on Linux by default, Docker in production."""

from __future__ import annotations

import os
import threading

from sandbox.backends.base import Backend
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxUnavailable

_cache: dict[str, Backend] = {}
_lock = threading.Lock()


def _make(name: str, config: SandboxConfig | None) -> Backend:
    if name == "bwrap":
        from sandbox.backends.bwrap import BwrapBackend

        return BwrapBackend(config)
    if name == "docker":
        from sandbox.backends.docker import DockerBackend

        return DockerBackend(config)
    raise ValueError(f"unknown sandbox backend {name!r} (bwrap, docker or auto)")


def get_backend(name: str = "auto", config: SandboxConfig | None = None) -> Backend:
    """A checked, ready backend. "auto" reads SANDBOX_BACKEND, else tries bwrap then docker.

    Raises SandboxUnavailable when nothing can isolate a run; there is no unisolated fallback.
    """
    if name == "auto":
        name = os.environ.get("SANDBOX_BACKEND", "auto")
    with _lock:
        if config is None and name in _cache:
            return _cache[name]
    candidates = ["bwrap", "docker"] if name == "auto" else [name]
    problems = []
    for candidate in candidates:
        backend = _make(candidate, config)
        try:
            backend.check()
        except SandboxUnavailable as exc:
            problems.append(f"{candidate}: {exc}")
            continue
        if config is None:
            with _lock:
                _cache[name] = backend
        return backend
    raise SandboxUnavailable(
        "no sandbox backend available ("
        + "; ".join(problems)
        + "). Install bubblewrap (apt-get install bubblewrap) or use docker."
    )


__all__ = ["Backend", "get_backend"]
