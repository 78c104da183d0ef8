"""Docker backend (production): one throwaway container per run, optionally under gVisor.

No network, read-only root, tmpfs /tmp and /dev/shm, every capability dropped,
no-new-privileges, the nobody user, memory/swap/pids/CPU limits plus the same rlimits as the bwrap
backend. The code is COPIED into the container (`put_archive` into a throwaway volume at /code,
owned by root and not writable by the run), never bind-mounted: the worker itself runs in a
container, and a path inside it means nothing to the host's Docker daemon. Output is read from
the attach stream frame by frame and capped like the bwrap backend's.

The image must hold python (with pytest) at `config.docker_python` and node >= 22 at
`config.docker_node`, e.g. FROM python:3.11-slim plus node and `pip install pytest`.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import tarfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sandbox.backends.base import Backend
from sandbox.capture import CappedBuffer
from sandbox.config import SandboxConfig
from sandbox.errors import SandboxError, SandboxUnavailable
from sandbox.limits import classify, node_heap_mb
from sandbox.models import Language, LimitReason, RunRequest, RunResult

UNAVAILABLE_HINT = "start a Docker engine, or install bubblewrap (apt-get install bubblewrap)"
NOBODY = "65534:65534"
CODE_DIR = "/code"


def code_archive(files_dir: Path) -> bytes:
    """A tar of `files_dir` for put_archive: regular files and directories only (a symlink is
    never followed or copied), owned by root, world-readable, writable by nobody else."""
    buffer = io.BytesIO()
    root = Path(files_dir)
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for current, dirs, files in os.walk(root, followlinks=False):
            dirs.sort()
            for name in [*sorted(dirs), *sorted(files)]:
                path = Path(current) / name
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    continue
                info = tarfile.TarInfo(str(path.relative_to(root)))
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = int(path.stat().st_mtime)
                if path.is_dir():
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
                else:
                    info.size = path.stat().st_size
                    info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
                    with open(path, "rb") as handle:
                        tar.addfile(info, handle)
    return buffer.getvalue()


class DockerBackend(Backend):
    name = "docker"

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig.from_env()
        self._client: Any = None

    def check(self) -> None:
        if self._client is not None:
            return
        try:
            import docker
        except ImportError as exc:
            raise SandboxUnavailable(
                f"the docker SDK is missing (pip install docker); {UNAVAILABLE_HINT}"
            ) from exc
        try:
            client = docker.from_env(timeout=10)
            client.ping()
        except Exception as exc:  # the SDK raises several unrelated types here
            raise SandboxUnavailable(
                f"no Docker engine reachable ({exc}); {UNAVAILABLE_HINT}"
            ) from exc
        try:
            client.images.get(self.config.docker_image)
        except Exception as exc:
            raise SandboxUnavailable(
                f"docker image {self.config.docker_image!r} is not present ({exc}); build it"
            ) from exc
        self._client = client

    def _argv(self, request: RunRequest) -> list[str]:
        if request.language is Language.PYTHON:
            interpreter, flags = self.config.docker_python, []
        else:
            interpreter = self.config.docker_node
            flags = [f"--max-old-space-size={node_heap_mb(request.limits)}"]
        if request.entry is not None:
            return [interpreter, *flags, request.entry, *request.args]
        first, *rest = request.command or []
        if first in ("python", "python3", "node"):
            return [interpreter, *flags, *rest, *request.args]
        if not first.startswith("/"):
            raise ValueError("command must start with python, node or an absolute path")
        return [first, *rest, *request.args]

    def run(self, request: RunRequest) -> RunResult:
        self.check()
        import docker
        from docker.utils.socket import frames_iter

        api = self._client.api
        limits = request.limits
        ulimits = [
            docker.types.Ulimit(name="cpu", soft=limits.cpu_seconds, hard=limits.cpu_seconds + 1),
            docker.types.Ulimit(name="fsize", soft=limits.file_bytes, hard=limits.file_bytes),
            docker.types.Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
            docker.types.Ulimit(name="core", soft=0, hard=0),
        ]
        tmpfs_opts = f"rw,nosuid,nodev,size={limits.tmpfs_bytes},mode=1777"
        binds = {}
        volume = None
        if request.files_dir is not None:
            # A fresh named volume per run: put_archive can write into it although the root
            # filesystem is read-only; it is removed with the container.
            volume = api.create_volume(name=f"vibecoder-sandbox-{uuid.uuid4().hex}")["Name"]
            binds[volume] = {"bind": CODE_DIR, "mode": "rw"}
        host_config = api.create_host_config(
            binds=binds,
            network_mode="none",
            read_only=True,
            tmpfs={"/tmp": tmpfs_opts, "/dev/shm": tmpfs_opts},
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            mem_limit=limits.memory_bytes,
            memswap_limit=limits.memory_bytes,
            pids_limit=limits.processes,
            nano_cpus=1_000_000_000,
            ulimits=ulimits,
            ipc_mode="private",
            init=True,  # a reaper as pid 1, like bwrap's
            runtime=self.config.docker_runtime,
            log_config={"type": "none"},
        )
        env = {"HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", **request.env}
        container = api.create_container(
            self.config.docker_image,
            command=self._argv(request),
            user=NOBODY,
            working_dir=CODE_DIR if request.files_dir is not None else "/tmp",
            environment=env,
            hostname="sandbox",
            network_disabled=True,
            stdin_open=True,
            detach=False,  # makes the container's stdin close when our attach half-closes
            host_config=host_config,
        )
        cid = container["Id"]
        if request.files_dir is not None:
            try:
                api.put_archive(cid, CODE_DIR, code_archive(request.files_dir))
            except Exception as exc:
                with contextlib.suppress(Exception):
                    api.remove_container(cid, force=True)
                    api.remove_volume(volume, force=True)
                raise SandboxError(f"copying the code into the container failed: {exc}") from exc
        out, err = CappedBuffer(limits.output_bytes), CappedBuffer(limits.output_bytes)
        killed: list[LimitReason] = []
        try:
            sock = api.attach_socket(
                cid, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            raw = getattr(sock, "_sock", sock)
            started = time.monotonic()
            api.start(cid)
            raw.sendall(request.stdin)
            with contextlib.suppress(OSError):
                raw.shutdown(socket.SHUT_WR)

            def kill(reason: LimitReason) -> None:
                if not killed:
                    killed.append(reason)
                    with contextlib.suppress(Exception):
                        api.kill(cid)

            def reader() -> None:
                with contextlib.suppress(Exception):
                    for stream, data in frames_iter(sock, tty=False):
                        buffer = out if stream == 1 else err
                        if buffer.append(data):
                            kill(LimitReason.OUTPUT)

            thread = threading.Thread(target=reader, daemon=True)
            thread.start()
            thread.join(limits.wall_seconds)
            if thread.is_alive():
                kill(LimitReason.TIMEOUT)
                thread.join(5)
            status = api.wait(cid, timeout=30)
            wall = time.monotonic() - started
            state = api.inspect_container(cid)["State"]
        except SandboxError:
            raise
        except Exception as exc:
            raise SandboxError(f"docker run failed: {exc}") from exc
        finally:
            with contextlib.suppress(Exception):
                api.remove_container(cid, force=True)
            if volume is not None:
                with contextlib.suppress(Exception):
                    api.remove_volume(volume, force=True)
        code = status.get("StatusCode")
        exit_code, sig = (None, code - 128) if code and 128 < code <= 192 else (code, None)
        reason = classify(
            killed_for=killed[0] if killed else None,
            signal_number=sig,
            exit_code=exit_code,
            cpu_seconds=0.0,
            limits=limits,
            oom_kills=1 if state.get("OOMKilled") else 0,
            pids_limit_hits=0,
            stderr_tail=err.data[-4096:],
            counters_available=False,
        )
        return RunResult(
            stdout=out.data,
            stderr=err.data,
            stdout_truncated=out.truncated,
            stderr_truncated=err.truncated,
            exit_code=exit_code,
            signal=sig,
            wall_seconds=round(wall, 4),
            cpu_seconds=None,  # not reported once the container is gone
            peak_memory_bytes=None,
            limit_reason=reason,
            backend=self.name,
            memory_source="unavailable",
        )
