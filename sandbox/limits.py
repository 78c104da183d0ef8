"""Turning `Limits` into rlimits and interpreter flags."""

from __future__ import annotations

import resource
import signal

from sandbox.models import MB, Language, LimitReason, Limits

CPU_SLACK_SECONDS = 0.25
CPU_SLACK_FRACTION = 0.1

# Processes bwrap itself adds under the slot uid: the outer monitor and the pid-1 reaper.
BWRAP_OVERHEAD_PROCESSES = 2

# V8 reserves several GB of address space up front (pointer-compression cage, wasm), so an
# RLIMIT_AS near the memory limit stops node from starting at all. Without a cgroup, node gets
# this much address space and the heap flag does the real limiting.
NODE_MIN_ADDRESS_SPACE = 16 * 1024 * MB


def node_heap_mb(limits: Limits) -> int:
    """--max-old-space-size: the old generation only, so leave room for young gen and code."""
    return max(16, int(limits.memory_bytes / MB * 0.6))


def rlimits(
    limits: Limits, language: Language, *, memory_in_cgroup: bool
) -> list[tuple[int, tuple[int, int]]]:
    cpu = limits.cpu_seconds
    nproc = limits.processes + BWRAP_OVERHEAD_PROCESSES
    if memory_in_cgroup:
        # Let pids.max trip first: its counter tells us why forks failed, RLIMIT_NPROC cannot.
        nproc += 8
    result = [
        # soft == hard: the program is pid 1 of its namespace and ignores SIGXCPU, so the
        # hard limit's SIGKILL is what stops it, right at the limit
        (resource.RLIMIT_CPU, (cpu, cpu)),
        (resource.RLIMIT_NPROC, (nproc, nproc)),
        (resource.RLIMIT_FSIZE, (limits.file_bytes,) * 2),
        (resource.RLIMIT_NOFILE, (limits.open_files,) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_MEMLOCK, (0, 0)),
        (resource.RLIMIT_MSGQUEUE, (0, 0)),
    ]
    if not memory_in_cgroup:
        address_space = limits.memory_bytes
        if language is Language.NODE:
            address_space = max(address_space, NODE_MIN_ADDRESS_SPACE)
        result.append((resource.RLIMIT_AS, (address_space,) * 2))
    return result


# Tails of stderr that name a limit when no cgroup counter can (rlimit-only fallback).
_MEMORY_MARKERS = (b"MemoryError", b"JavaScript heap out of memory", b"Cannot allocate memory")
_FILE_SIZE_MARKERS = (b"File too large", b"EFBIG")
_PIDS_MARKERS = (b"BlockingIOError: [Errno 11]", b"fork: retry", b"EAGAIN")


def classify(
    *,
    killed_for: LimitReason | None,
    signal_number: int | None,
    exit_code: int | None,
    cpu_seconds: float,
    limits: Limits,
    oom_kills: int,
    pids_limit_hits: int,
    stderr_tail: bytes,
    counters_available: bool,
) -> LimitReason | None:
    """The limit that ended or broke a run, most specific first.

    A fork bomb usually also runs into the wall clock; the pids counter is the better answer.
    """
    if oom_kills:
        return LimitReason.MEMORY
    if pids_limit_hits:
        return LimitReason.PIDS
    if killed_for is not None:
        return killed_for
    # The kernel enforces RLIMIT_CPU on its own tick-sampled account, while we read the
    # cgroup's exact one: its SIGKILL can come before the measured time reaches the limit
    # (seen: 4.94 s of 5 s on a quiet machine, 4.72 s on a loaded one). A SIGKILL nobody else
    # explains (not ours, no OOM, no pids hit: all checked above) near the limit is the CPU.
    slack = max(CPU_SLACK_SECONDS, limits.cpu_seconds * CPU_SLACK_FRACTION)
    if signal_number == signal.SIGXCPU or (
        signal_number == signal.SIGKILL and cpu_seconds >= limits.cpu_seconds - slack
    ):
        return LimitReason.CPU
    if signal_number == signal.SIGXFSZ:
        return LimitReason.FILE_SIZE
    failed = signal_number is not None or (exit_code or 0) != 0
    if failed:
        if any(m in stderr_tail for m in _FILE_SIZE_MARKERS):
            return LimitReason.FILE_SIZE
        if any(m in stderr_tail for m in _MEMORY_MARKERS):
            return LimitReason.MEMORY
        if not counters_available and any(m in stderr_tail for m in _PIDS_MARKERS):
            return LimitReason.PIDS
    return None
