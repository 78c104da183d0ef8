"""What every backend offers."""

from __future__ import annotations

import abc

from sandbox.models import RunRequest, RunResult


class Backend(abc.ABC):
    name: str

    @abc.abstractmethod
    def check(self) -> None:
        """Raise SandboxUnavailable (with a message saying what to install) if it cannot run."""

    @abc.abstractmethod
    def run(self, request: RunRequest) -> RunResult: ...
