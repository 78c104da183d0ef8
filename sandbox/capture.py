"""Reading a child's stdout/stderr incrementally, with a byte cap and a wall-clock deadline.

Never holds more than `cap` bytes per stream: data past the cap is read (so the writer cannot
block forever on a full pipe) and dropped, and the caller is told at once so it can kill the run.
"""

from __future__ import annotations

import os
import selectors
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.models import LimitReason

CHUNK = 65536
# After the child is gone (or killed), how long to wait for the pipes' last bytes and EOF.
DRAIN_SECONDS = 2.0


@dataclass
class CappedBuffer:
    cap: int
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    truncated: bool = False

    def append(self, data: bytes) -> bool:
        """Keep what fits; return True when this append overflowed the cap."""
        room = self.cap - self.size
        if len(data) > room:
            if room > 0:
                self.chunks.append(data[:room])
                self.size = self.cap
            newly = not self.truncated
            self.truncated = True
            return newly
        self.chunks.append(data)
        self.size += len(data)
        return False

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


@dataclass
class Captured:
    stdout: CappedBuffer
    stderr: CappedBuffer
    killed_for: LimitReason | None


def pump(
    stdout_fd: int,
    stderr_fd: int,
    exit_fd: int,
    cap: int,
    deadline: float,
    kill: Callable[[], None],
) -> Captured:
    """Read both pipes until the child has exited and the pipes are at EOF.

    `exit_fd` (a pidfd) becomes readable when the child exits. `kill` is called once, on the
    wall-clock deadline or on the first output overflow.
    """
    out, err = CappedBuffer(cap), CappedBuffer(cap)
    buffers = {stdout_fd: out, stderr_fd: err}
    killed_for: LimitReason | None = None
    exited_at: float | None = None
    killed_at = 0.0
    sel = selectors.DefaultSelector()
    try:
        for fd in (stdout_fd, stderr_fd):
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        sel.register(exit_fd, selectors.EVENT_READ)
        open_pipes = 2
        while open_pipes or exited_at is None:
            now = time.monotonic()
            if exited_at is not None and now - exited_at > DRAIN_SECONDS:
                break
            if killed_for is None and exited_at is None and now >= deadline:
                killed_for = LimitReason.TIMEOUT
                killed_at = now
                kill()
            if killed_at and exited_at is None and now - killed_at > DRAIN_SECONDS:
                break  # the caller kills again and reaps
            if exited_at is not None:
                timeout = DRAIN_SECONDS
            elif killed_for is None:
                timeout = max(0.0, deadline - now)
            else:
                timeout = 0.1
            for key, _ in sel.select(timeout):
                fd = key.fd
                if fd == exit_fd:
                    exited_at = time.monotonic()
                    sel.unregister(fd)
                    continue
                try:
                    data = os.read(fd, CHUNK)
                except BlockingIOError:
                    continue
                if not data:
                    sel.unregister(fd)
                    open_pipes -= 1
                    continue
                if buffers[fd].append(data) and killed_for is None:
                    killed_for = LimitReason.OUTPUT
                    killed_at = time.monotonic()
                    kill()
    finally:
        sel.close()
    return Captured(out, err, killed_for)
