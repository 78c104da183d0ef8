"""Uid slots: one host uid per concurrent run, shared safely between worker processes.

A slot is held with an flock on its lock file, so a crashed worker releases it automatically.
Because nothing else runs under a slot uid, `kill_uid` (kill(-1) as that uid) ends every process
the run left behind in one atomic sweep, whatever namespace it sits in.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from sandbox.errors import SandboxBusy


@contextlib.contextmanager
def acquire(lock_dir: Path, uid_base: int, slots: int, wait_seconds: float) -> Iterator[int]:
    """Yields a free slot number; its uid is uid_base + slot."""
    deadline = time.monotonic() + wait_seconds
    # Start at a pid-dependent slot so concurrent workers do not all contend for slot 0.
    start = os.getpid() % slots
    while True:
        for i in range(slots):
            slot = (start + i) % slots
            fd = os.open(
                lock_dir / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield slot
            finally:
                os.close(fd)
            return
        if time.monotonic() > deadline:
            raise SandboxBusy(f"all {slots} sandbox slots busy for {wait_seconds:.0f} s")
        time.sleep(0.02)


def kill_uid(uid: int) -> None:
    """SIGKILL every process whose real or saved uid is `uid`.

    kill(-1) walks the task list under the kernel's tasklist lock, so a fork bomb cannot outrun
    it. It runs in a short-lived fork that drops to the uid (so it can reach nothing else) and
    touches no Python-level locks before _exit.
    """
    if uid == 0:
        raise ValueError("refusing to kill(-1) as root")
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass  # nothing left to kill
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise OSError(f"could not sweep processes of uid {uid}")


def uid_processes(uid: int) -> list[int]:
    """Pids whose real uid is `uid` (a /proc scan, for checks and tests)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry.name))
                        break
        except OSError:
            continue
    return found
