"""CPU-heavy work of the web processes (argon2 password checks, unpacking and scanning an
upload) in a small pool of low-priority threads.

One thread per core: ten people signing in at once queue among themselves instead of taking every
thread of the default pool, which serves everybody's quick database reads. And each thread runs
at a lower CPU priority (`BACKGROUND_NICE`; on Linux a thread has its own nice value), so on a
busy machine the kernel hands the CPU to the event loop first: another user's click waits for
the scheduler's next slice, not for the end of somebody's 40 MB upload. argon2, zlib and
hashlib release the GIL while they work, so the loop's thread is not held up by it either.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Celery workers started by `vibecoder dev` run at the same priority (background work).
BACKGROUND_NICE = 10


def lower_priority() -> None:
    """Lower the calling thread's priority (Linux: per thread; elsewhere the process's)."""
    # Not permitted or not supported: the thread simply runs at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICE)


_HEAVY = ThreadPoolExecutor(
    max_workers=os.cpu_count() or 2,
    thread_name_prefix="vibecoder-heavy",
    initializer=lower_priority,
)


async def run_heavy(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` in the heavy pool; the caller's context goes along (as asyncio.to_thread)."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(_HEAVY, context.run, work, *args)
