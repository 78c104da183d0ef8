"""Backend selection, refusal without isolation, and the rlimit-only fallback of bwrap."""

from __future__ import annotations

import pytest

from sandbox import (
    LimitReason,
    Limits,
    RunRequest,
    SandboxConfig,
    SandboxUnavailable,
    get_backend,
    run,
)
from sandbox.backends.bwrap import BwrapBackend

from .conftest import make_code


def test_missing_bubblewrap_is_refused_with_a_clear_error():
    backend = BwrapBackend(SandboxConfig(bwrap="/nonexistent/bwrap"))
    with pytest.raises(SandboxUnavailable, match="install bubblewrap"):
        backend.check()
    with pytest.raises(SandboxUnavailable, match="install bubblewrap"):
        backend.run(RunRequest(language="python", command=["python", "-c", "print(1)"]))


def test_auto_never_falls_back_to_unisolated_execution():
    config = SandboxConfig(bwrap="/nonexistent/bwrap", docker_image="vibecoder/absent:never")
    with pytest.raises(SandboxUnavailable, match="bubblewrap") as info:
        get_backend("auto", config=config)
    assert "docker" in str(info.value)
    request = RunRequest(language="python", command=["python", "-c", "print(1)"])
    with pytest.raises(SandboxUnavailable):
        run(request, BwrapBackend(config))


def test_unknown_backend_name():
    with pytest.raises(ValueError, match="unknown sandbox backend"):
        get_backend("chroot")


def test_request_validation():
    with pytest.raises(ValueError):
        RunRequest(language="python")  # neither entry nor command
    with pytest.raises(ValueError):
        RunRequest(language="python", entry="../outside.py")
    with pytest.raises(ValueError):
        RunRequest(language="ruby", entry="main.rb")
    with pytest.raises(ValueError):
        Limits(memory_bytes=0)


# ---- the fallback without cgroups: RLIMIT_AS, RLIMIT_NPROC, rusage ---------------------


def test_rlimit_only_hello_and_measurements(rlimit_only_backend, tmp_path):
    code = make_code(tmp_path / "c", {"main.py": "x = bytearray(40 << 20)\nprint('ok')\n"})
    result = rlimit_only_backend.run(RunRequest(language="python", files_dir=code, entry="main.py"))
    assert result.ok, result
    assert result.memory_source == "rusage"
    assert result.peak_memory_bytes >= 40 << 20
    assert result.cpu_seconds > 0


def test_rlimit_only_memory_bomb(rlimit_only_backend, tmp_path):
    code = make_code(
        tmp_path / "c",
        {"main.py": "chunks = []\nwhile True:\n    chunks.append(bytearray(8 << 20))\n"},
    )
    result = rlimit_only_backend.run(
        RunRequest(
            language="python", files_dir=code, entry="main.py", limits=Limits(memory_bytes=96 << 20)
        )
    )
    assert result.limit_reason is LimitReason.MEMORY, result
    assert b"MemoryError" in result.stderr


def test_rlimit_only_fork_bomb_is_contained(rlimit_only_backend, tmp_path):
    code = make_code(
        tmp_path / "c",
        {
            "main.py": """
            import os, time
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(0.01)
            """
        },
    )
    result = rlimit_only_backend.run(
        RunRequest(
            language="python",
            files_dir=code,
            entry="main.py",
            limits=Limits(wall_seconds=1.5, processes=16),
        )
    )
    # Without a pids counter the failed forks leave no trace: the wall clock ends it.
    assert result.limit_reason in (LimitReason.PIDS, LimitReason.TIMEOUT), result
    assert result.wall_seconds < 4


def test_rlimit_only_node_starts_despite_address_space_limit(rlimit_only_backend, tmp_path):
    code = make_code(tmp_path / "c", {"main.js": "console.log('node ok')"})
    result = rlimit_only_backend.run(RunRequest(language="node", files_dir=code, entry="main.js"))
    assert result.ok and result.stdout == b"node ok\n", result
