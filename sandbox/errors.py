"""Exceptions raised by the sandbox runner."""

from __future__ import annotations


class SandboxError(RuntimeError):
    """The runner itself failed (not the untrusted program)."""


class SandboxUnavailable(SandboxError):
    """No isolating backend can run here; we never fall back to running code unisolated."""


class SandboxBusy(SandboxError):
    """Every uid slot stayed taken for longer than the configured wait."""
