"""The docker backend, against a real engine when one is reachable (none runs on CI here)."""

from __future__ import annotations

import os

import pytest

from sandbox import LimitReason, Limits, RunRequest, SandboxConfig
from sandbox.backends.docker import DockerBackend

from .conftest import make_code

pytestmark = pytest.mark.docker

IMAGE = os.environ.get("SANDBOX_TEST_DOCKER_IMAGE", "python:3.11-slim")


@pytest.fixture(scope="module")
def docker_backend() -> DockerBackend:
    import docker

    try:
        docker.from_env(timeout=5).ping()
    except Exception as exc:
        pytest.skip(f"needs a Docker engine: {exc}")
    backend = DockerBackend(SandboxConfig(docker_image=IMAGE))
    backend.check()
    return backend


def test_docker_hello_with_stdin_and_args(docker_backend, tmp_path):
    code = make_code(
        tmp_path / "c",
        {"main.py": "import os, sys\nprint(sys.argv[1:], sys.stdin.read(), os.getuid())\n"},
    )
    result = docker_backend.run(
        RunRequest(language="python", files_dir=code, entry="main.py", args=["a"], stdin="in")
    )
    assert result.ok, result
    assert result.stdout == b"['a'] in 65534\n"


def test_docker_has_no_network_and_a_read_only_root(docker_backend, tmp_path):
    code = make_code(
        tmp_path / "c",
        {
            "main.py": """
            import os, socket
            print(sorted(os.listdir("/sys/class/net")))
            for path in ("/x", "/code/x"):
                try:
                    open(path, "w")
                    print("WROTE", path)
                except OSError:
                    print("denied", path)
            """
        },
    )
    result = docker_backend.run(RunRequest(language="python", files_dir=code, entry="main.py"))
    assert result.ok, result
    assert result.stdout.decode().splitlines()[0] == "['lo']"
    assert "WROTE" not in result.stdout.decode()


def test_docker_limits(docker_backend, tmp_path):
    code = make_code(
        tmp_path / "c",
        {
            "sleep.py": "import time\ntime.sleep(3600)\n",
            "flood.py": "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
            "mem.py": "c = []\nwhile True:\n    c.append(bytearray(8 << 20))\n",
        },
    )

    def go(entry, limits):
        return docker_backend.run(
            RunRequest(language="python", files_dir=code, entry=entry, limits=limits)
        )

    assert go("sleep.py", Limits(wall_seconds=1)).limit_reason is LimitReason.TIMEOUT
    flood = go("flood.py", Limits(output_bytes=10_000))
    assert flood.limit_reason is LimitReason.OUTPUT and len(flood.stdout) == 10_000
    assert go("mem.py", Limits(memory_bytes=64 << 20)).limit_reason is LimitReason.MEMORY


def test_the_code_is_copied_as_a_root_owned_read_only_archive(tmp_path):
    """No engine needed: what put_archive receives. Symlinks (a planted link to a host path)
    are not copied; nothing is writable by the run's user."""
    import io
    import tarfile

    from sandbox.backends.docker import code_archive

    code = make_code(tmp_path / "c", {"main.py": "print(1)\n", "pkg/util.py": "X = 1\n"})
    (code / "run.sh").write_text("#!/bin/sh\n")
    (code / "run.sh").chmod(0o775)
    (code / "escape").symlink_to("/etc/passwd")
    with tarfile.open(fileobj=io.BytesIO(code_archive(code))) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert tar.extractfile("main.py").read() == b"print(1)\n"
    assert "escape" not in members
    assert set(members) >= {"main.py", "pkg", "pkg/util.py", "run.sh"}
    assert all(m.uid == 0 and m.gid == 0 for m in members.values())
    assert members["pkg"].isdir() and members["pkg"].mode == 0o755
    assert members["main.py"].mode == 0o644 and members["run.sh"].mode == 0o755
