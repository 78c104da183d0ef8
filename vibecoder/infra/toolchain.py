"""Where Node, bun and the npm registry come from; nothing here downloads at run time."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from vibecoder.settings import PROJECT_ROOT

TOOLS_BIN = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
MIN_NODE_MAJOR = 22
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/"


def node_major(node: str) -> int | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
        return int(out.stdout.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


def node_binary() -> str:
    """Node >= 22: the project's `.tools` copy when present, else the system one."""
    local = TOOLS_BIN / "node"
    if local.exists():
        return str(local.resolve())
    system = shutil.which("node")
    if system and (node_major(system) or 0) >= MIN_NODE_MAJOR:
        return system
    raise RuntimeError("Node.js >= 22 not found; run `make bootstrap` to install it into .tools/")


def npm_registry() -> str:
    try:
        out = subprocess.run(
            ["npm", "config", "get", "registry"], capture_output=True, text=True, timeout=20
        )
        registry = out.stdout.strip()
        return registry if registry.startswith("http") else DEFAULT_NPM_REGISTRY
    except (OSError, subprocess.TimeoutExpired):
        return DEFAULT_NPM_REGISTRY


def reflex_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for `reflex`: our node/bun first, registry pinned, no telemetry or probes."""
    env = dict(base if base is not None else os.environ)
    env["PATH"] = f"{TOOLS_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    # Reflex otherwise times several public registries to pick the "fastest" one.
    env.setdefault("NPM_CONFIG_REGISTRY", env.get("npm_config_registry") or npm_registry())
    env.setdefault("REFLEX_DIR", str(PROJECT_ROOT / ".tools" / "reflex"))
    env["REFLEX_TELEMETRY_ENABLED"] = "false"
    # Reload on app code only: by default Reflex watches the whole project, data dir included.
    env.setdefault("REFLEX_HOT_RELOAD_OVERRIDE_PATHS", str(PROJECT_ROOT / "vibecoder"))
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    return env


def ensure_tools_on_path() -> None:
    if TOOLS_BIN.exists() and str(TOOLS_BIN) not in os.environ.get("PATH", ""):
        os.environ["PATH"] = f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}"


def tools_dir() -> Path:
    return TOOLS_BIN
