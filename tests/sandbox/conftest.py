"""Fixtures for the sandbox runner tests: the real bwrap backend, code dirs, host checks."""

from __future__ import annotations

import fcntl
import os
import textwrap
from pathlib import Path

import pytest

from sandbox import Limits, RunRequest, RunResult, get_backend
from sandbox.backends.bwrap import BwrapBackend
from sandbox.config import SandboxConfig
from sandbox.slots import uid_processes

# Small limits keep the escape suite fast; each test states the one it exercises.
FAST = Limits(wall_seconds=5, cpu_seconds=2, memory_bytes=128 << 20, output_bytes=64 << 10)


@pytest.fixture(scope="session")
def backend() -> BwrapBackend:
    found = get_backend("bwrap")
    assert isinstance(found, BwrapBackend)
    return found


@pytest.fixture(scope="session")
def rlimit_only_backend() -> BwrapBackend:
    """The fallback without cgroups: RLIMIT_AS and RLIMIT_NPROC do the limiting."""
    found = get_backend("bwrap", config=SandboxConfig(cgroup="off"))
    assert isinstance(found, BwrapBackend)
    return found


def make_code(root: Path, files: dict[str, str], mode: int = 0o755) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    root.chmod(mode)
    return root


@pytest.fixture
def run_py(backend, tmp_path):
    """run_py(source, **RunRequest fields) -> RunResult, with `source` as /code/main.py."""

    def _run(source: str, *, be=None, limits: Limits = FAST, **kwargs) -> RunResult:
        code = make_code(tmp_path / f"code{len(list(tmp_path.iterdir()))}", {"main.py": source})
        request = RunRequest(
            language="python", files_dir=code, entry="main.py", limits=limits, **kwargs
        )
        return (be or backend).run(request)

    return _run


def slot_uids(config: SandboxConfig) -> range:
    return range(config.uid_base, config.uid_base + config.slots)


def idle_slot_leftovers(config: SandboxConfig, cgroup_parents: list[Path]) -> dict[int, list]:
    """Processes or cgroups of slots no run holds right now.

    Other test sessions on this machine may be running sandboxes at the same time, so a slot
    is only inspected while we hold its lock ourselves.
    """
    found: dict[int, list] = {}
    for slot in range(config.slots):
        fd = os.open(Path(config.state_dir) / "locks" / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            leftovers = uid_processes(config.uid_base + slot) + [
                str(parent / f"vcsbx-slot{slot}")
                for parent in cgroup_parents
                if (parent / f"vcsbx-slot{slot}").exists()
            ]
            if leftovers:
                found[slot] = leftovers
        finally:
            os.close(fd)
    return found


@pytest.fixture
def host_guard(backend, tmp_path):
    """After the test: nothing of the sandbox is left on the host, and a plain run still works."""
    stage = Path(backend.config.state_dir) / "stage"
    mounts_before = Path("/proc/self/mountinfo").read_text()
    # The backend makes its runs' cgroups below its own process's cgroup; other processes on
    # this machine (a Celery worker of another suite) keep theirs below their own. Controllers
    # mounted at the root (pids, cpuacct here) are shared with them, and a worker killed
    # mid-run leaves its slot's cgroup until the slot's next run: only what this test left
    # counts.
    parents = list(backend.cgroups.parents.values()) if backend.cgroups is not None else []
    before = idle_slot_leftovers(backend.config, parents)
    yield
    after = idle_slot_leftovers(backend.config, parents)
    left = {
        slot: new
        for slot, paths in after.items()
        if (new := [p for p in paths if p not in before.get(slot, [])])
    }
    assert left == {}
    assert Path("/proc/self/mountinfo").read_text() == mounts_before
    if stage.exists():
        assert list(stage.iterdir()) == []  # staging mounts lived only in the child's namespace
    code = make_code(tmp_path / "after", {"main.py": "print('still fine')\n"})
    result = backend.run(RunRequest(language="python", files_dir=code, entry="main.py"))
    assert result.ok and result.stdout == b"still fine\n", result
