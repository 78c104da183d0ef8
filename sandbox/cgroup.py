"""Per-run cgroups: memory and process limits for a whole process tree, and its peak memory.

rlimits are per process (RLIMIT_AS) or per uid (RLIMIT_NPROC); a cgroup limits the sandbox as a
whole and counts tmpfs pages too. Both cgroup v2 and the v1 memory+pids controllers are handled,
always nested under the worker's own cgroup (or an explicitly delegated one), never at the root,
so whatever limits the worker itself stay in force. No writable tree -> `detect()` returns None
and the backend falls back to RLIMIT_AS plus ru_maxrss.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass
class CgroupStats:
    peak_memory_bytes: int | None
    cpu_seconds: float | None
    oom_kills: int
    pids_limit_hits: int


def _own_paths() -> dict[str, str]:
    """controller ("" for v2) -> path of this process's cgroup, from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _read_key(path: Path, key: str) -> int:
    """A "key value" line from files like memory.events / memory.oom_control / pids.events."""
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _rmdir(path: Path, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            # EBUSY while the last killed tasks are still being torn down
            if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class CgroupRun:
    """The cgroup(s) of one run. `join_fds` are opened cgroup.procs files: writing "0" to
    each from the child before exec moves it (and so every descendant) in, race-free."""

    def __init__(self, version: int, dirs: dict[str, Path]):
        self.version = version
        self.dirs = dirs  # role ("all" for v2; memory, pids, cpuacct for v1) -> directory
        self.join_fds: list[int] = []

    def open_join_fds(self) -> list[int]:
        self.join_fds = [
            os.open(d / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC) for d in self.dirs.values()
        ]
        return self.join_fds

    def close_join_fds(self) -> None:
        for fd in self.join_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.join_fds = []

    def stats(self) -> CgroupStats:
        if self.version == 2:
            d = self.dirs["all"]
            usec = _read_key(d / "cpu.stat", "usage_usec")
            return CgroupStats(
                peak_memory_bytes=_read_int(d / "memory.peak"),
                cpu_seconds=usec / 1e6 if (d / "cpu.stat").exists() else None,
                oom_kills=_read_key(d / "memory.events", "oom_kill"),
                pids_limit_hits=_read_key(d / "pids.events", "max"),
            )
        mem, pids, cpu = self.dirs["memory"], self.dirs["pids"], self.dirs.get("cpuacct")
        nanos = _read_int(cpu / "cpuacct.usage") if cpu else None
        return CgroupStats(
            peak_memory_bytes=_read_int(mem / "memory.max_usage_in_bytes"),
            cpu_seconds=nanos / 1e9 if nanos is not None else None,
            oom_kills=_read_key(mem / "memory.oom_control", "oom_kill"),
            pids_limit_hits=_read_key(pids / "pids.events", "max"),
        )

    def wait_released(self, timeout: float) -> bool:
        """Wait until every task of the run is reaped, not merely dead.

        cgroup.procs empties when tasks start exiting; pids.current only drops when a task is
        released, so 0 there means no process of the run is left even as a zombie.
        """
        counter = self.dirs.get("pids", self.dirs.get("all"))
        assert counter is not None
        deadline = time.monotonic() + timeout
        while True:
            current = _read_int(counter / "pids.current")
            if current == 0:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)

    def kill(self) -> None:
        if self.version == 2:
            with contextlib.suppress(OSError):
                (self.dirs["all"] / "cgroup.kill").write_text("1")

    def remove(self) -> None:
        self.close_join_fds()
        for d in self.dirs.values():
            _rmdir(d)


class Cgroups:
    """Where per-run cgroups are made. Use `detect()`."""

    def __init__(self, version: int, parents: dict[str, Path]):
        self.version = version
        self.parents = parents

    def create(self, name: str, memory_bytes: int, max_pids: int) -> CgroupRun:
        dirs = {role: p / name for role, p in self.parents.items()}
        for d in dirs.values():
            if d.exists():  # left over by a crashed worker: its tasks were killed by uid
                with contextlib.suppress(OSError):
                    (d / "cgroup.kill").write_text("1")
                _rmdir(d)
            d.mkdir()
        try:
            if self.version == 2:
                d = dirs["all"]
                (d / "memory.max").write_text(str(memory_bytes))
                swap = d / "memory.swap.max"
                if swap.exists():
                    swap.write_text("0")
                (d / "pids.max").write_text(str(max_pids))
            else:
                mem, pids = dirs["memory"], dirs["pids"]
                (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
                memsw = mem / "memory.memsw.limit_in_bytes"
                if memsw.exists():  # only after limit_in_bytes: memsw may not go below it
                    memsw.write_text(str(memory_bytes))
                (pids / "pids.max").write_text(str(max_pids))
        except OSError:
            for d in dirs.values():
                with contextlib.suppress(OSError):
                    _rmdir(d)
            raise
        return CgroupRun(self.version, dirs)

    def probe(self) -> bool:
        try:
            self.create(f"vcsbx-probe-{os.getpid()}", 64 << 20, 8).remove()
        except OSError:
            return False
        return True


def _v2_parent(path: Path) -> Cgroups | None:
    controllers = set((path / "cgroup.subtree_control").read_text().split())
    if not {"memory", "pids"} <= controllers:
        try:
            # Fails with EBUSY when the cgroup holds processes itself (no-internal-process
            # rule): then it has to be delegated explicitly via SandboxConfig.cgroup.
            (path / "cgroup.subtree_control").write_text("+memory +pids")
        except OSError:
            return None
    return Cgroups(2, {"all": path})


def detect(setting: str = "auto") -> Cgroups | None:
    if setting == "off":
        return None
    try:
        if setting != "auto":
            found = _v2_parent(Path(setting))
        elif (CGROUP_ROOT / "cgroup.controllers").exists():
            found = _v2_parent(CGROUP_ROOT / _own_paths().get("", "/").lstrip("/"))
        elif (CGROUP_ROOT / "memory").is_dir() and (CGROUP_ROOT / "pids").is_dir():
            own = _own_paths()
            parents = {
                role: CGROUP_ROOT / role / own.get(role, "/").lstrip("/")
                for role in ("memory", "pids", "cpuacct")
                if (CGROUP_ROOT / role).is_dir()
            }
            found = Cgroups(1, parents)
        else:
            found = None
    except OSError:
        return None
    if found is not None and not found.probe():
        return None
    return found
