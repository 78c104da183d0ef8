"""Request and result types of the sandbox runner (plain dataclasses, JSON-able)."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MB = 1024 * 1024


class Language(enum.StrEnum):
    PYTHON = "python"
    NODE = "node"


class LimitReason(enum.StrEnum):
    """Why a run was stopped (or failed) because of a limit."""

    TIMEOUT = "timeout"  # wall clock
    CPU = "cpu"  # RLIMIT_CPU of one process
    MEMORY = "memory"
    OUTPUT = "output"
    PIDS = "pids"
    FILE_SIZE = "file_size"


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 10.0
    cpu_seconds: int = 5
    memory_bytes: int = 256 * MB
    processes: int = 64
    output_bytes: int = 1 * MB  # per stream
    file_bytes: int = 16 * MB  # largest file a run may write
    tmpfs_bytes: int = 64 * MB  # size of the writable /tmp (and of /dev/shm)
    open_files: int = 256

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f"limit {name} must be positive, got {value!r}")


@dataclass(frozen=True)
class RunRequest:
    """One untrusted run.

    Either `entry` (a file relative to the code dir, run by the language's interpreter) or
    `command` (an argv; a first element "python" or "node" means the configured interpreter,
    anything else must be an absolute path that exists inside the sandbox, e.g. /usr/bin/sh).
    `files_dir` is mounted read-only at /code, which is also the working directory; /tmp is the
    writable scratch space and HOME.
    """

    language: Language | str
    files_dir: Path | str | None = None
    entry: str | None = None
    command: list[str] | None = None
    args: list[str] = field(default_factory=list)
    stdin: bytes | str = b""
    limits: Limits = field(default_factory=Limits)
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "language", Language(self.language))
        if (self.entry is None) == (self.command is None):
            raise ValueError("give exactly one of entry or command")
        if self.command is not None and not self.command:
            raise ValueError("command must not be empty")
        if self.entry is not None and (
            self.entry.startswith("/") or ".." in Path(self.entry).parts
        ):
            raise ValueError("entry must be a relative path inside the code dir")
        if isinstance(self.stdin, str):
            object.__setattr__(self, "stdin", self.stdin.encode())
        for key in self.env:
            if not key or "=" in key or "\0" in key:
                raise ValueError(f"bad environment variable name {key!r}")


@dataclass
class RunResult:
    stdout: bytes
    stderr: bytes
    stdout_truncated: bool
    stderr_truncated: bool
    exit_code: int | None  # None when killed by a signal
    signal: int | None
    wall_seconds: float
    cpu_seconds: float | None  # None where the backend cannot measure it (docker)
    peak_memory_bytes: int | None
    limit_reason: LimitReason | None
    backend: str
    memory_source: str  # "cgroup", "rusage" or "docker": how peak memory was measured

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.limit_reason is None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["stdout"] = self.stdout.decode("utf-8", "replace")
        data["stderr"] = self.stderr.decode("utf-8", "replace")
        data["limit_reason"] = self.limit_reason.value if self.limit_reason else None
        return data


@dataclass
class TestRunResult:
    framework: str  # "pytest" or "node"
    passed: int
    failed: int
    skipped: int
    errors: int
    run: RunResult

    __test__ = False  # not a pytest class despite the name

    @property
    def ok(self) -> bool:
        return (
            self.run.limit_reason is None
            and self.failed == 0
            and self.errors == 0
            and (self.run.exit_code == 0)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "errors": self.errors,
            "ok": self.ok,
            "run": self.run.to_dict(),
        }
