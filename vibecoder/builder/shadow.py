"""Shadow validation: assemble the app, bundle it with esbuild, compile Tailwind, render once.

Nothing reaches the visible preview (or becomes a version) unless it passed all three:

1. esbuild bundles `src/main.jsx` against the preview runtime (react 18, react-dom,
   framer-motion, lucide-react installed once by `make bootstrap` into `.tools/preview`); an
   unresolved import or a syntax error fails here, with esbuild's message.
2. Tailwind 3 compiles the classes the components use (runs next to esbuild, in parallel).
3. Headless Chromium (render.py: Debian's, through Playwright, one browser per process reused
   across renders) loads the page with every network request blocked and fails on a window error, an
   unhandled rejection, or an empty `#root`.

The App root is assembled here, by code: it imports each component and renders them in plan
order. The model never writes it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from vibecoder.builder.render import RenderResult, ToolUnavailable, get_renderer, page_html
from vibecoder.infra.toolchain import TOOLS_BIN, node_binary
from vibecoder.settings import PROJECT_ROOT, get_settings

log = logging.getLogger(__name__)
RUNTIME_MODULES = ("react", "react-dom", "framer-motion", "lucide-react", "tailwindcss", "postcss")
SERVER_SCRIPT = Path(__file__).with_name("shadow_server.cjs")
TAILWIND_CONFIG = """module.exports = {
  content: [%s],
  theme: { extend: {} },
  plugins: [],
};
"""
INDEX_CSS = "@tailwind base;\n@tailwind components;\n@tailwind utilities;\n"
# The one-shot tools' limit too (esbuild/Tailwind on a few components take well under a second).
BUNDLE_TIMEOUT_SECONDS = 60.0


class RuntimeMissing(ToolUnavailable):
    """The preview runtime or esbuild is not installed (`make bootstrap` installs them)."""


def runtime_dir() -> Path:
    configured = get_settings().preview_runtime_dir
    return Path(configured) if configured else PROJECT_ROOT / ".tools" / "preview"


def check_runtime() -> Path:
    root = runtime_dir()
    missing = [m for m in RUNTIME_MODULES if not (root / "node_modules" / m).is_dir()]
    if missing:
        raise RuntimeMissing(
            f"preview runtime missing {', '.join(missing)} in {root}; run `make bootstrap`"
        )
    return root


def esbuild_binary() -> str:
    configured = get_settings().esbuild_path
    if configured:
        if not os.access(configured, os.X_OK):
            raise RuntimeMissing(f"esbuild not found at VIBECODER_ESBUILD={configured}")
        return configured
    local = TOOLS_BIN / "esbuild"
    if local.exists():
        return str(local)
    found = shutil.which("esbuild")
    if not found:
        raise RuntimeMissing("esbuild not found; run `make bootstrap`")
    return found


def _node() -> str:
    try:
        return node_binary()
    except RuntimeError as exc:
        raise ToolUnavailable(f"the bundler cannot start: {exc}") from exc


# --- assembly ----------------------------------------------------------------------------------


def assemble(components: dict[str, str], order: list[str], *, title: str) -> dict[str, str]:
    """The project files: one file per component, the App root, the entry, the page."""
    files = {f"src/components/{name}.jsx": components[name] for name in order}
    imports = "\n".join(f'import {name} from "./components/{name}.jsx";' for name in order)
    body = "\n".join(f"      <{name} />" for name in order)
    files["src/App.jsx"] = (
        f"{imports}\n\nexport default function App() {{\n  return (\n"
        f'    <div className="min-h-screen antialiased">\n{body}\n    </div>\n  );\n}}\n'
    )
    files["src/main.jsx"] = (
        'import { StrictMode } from "react";\n'
        'import { createRoot } from "react-dom/client";\n'
        'import App from "./App.jsx";\n\n'
        'createRoot(document.getElementById("root")).render(\n'
        "  <StrictMode>\n    <App />\n  </StrictMode>,\n);\n"
    )
    files["src/index.css"] = INDEX_CSS
    safe_title = re.sub(r"[<>&\"]", "", title)[:80] or "Preview"
    files["index.html"] = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{safe_title}</title>\n<link rel="stylesheet" href="app.css">\n</head>\n'
        '<body>\n<div id="root"></div>\n<script src="app.js"></script>\n</body>\n</html>\n'
    )
    return files


# --- bundle + tailwind -------------------------------------------------------------------------


@dataclass
class BundleResult:
    ok: bool
    js: str = ""
    css: str = ""
    error: str = ""
    kind: str = ""  # "" | "syntax" | "missing_module" | "tailwind" | "toolchain"
    bundle_seconds: float = 0.0
    tailwind_seconds: float = 0.0


def _esbuild_error(stderr: str) -> tuple[str, str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = next((line for line in lines if "ERROR" in line or "error:" in line), "")
    message = re.sub(r"^[✘X\s]*\[?ERROR\]?\s*", "", first) or (lines[0] if lines else "")
    location = next((line for line in lines if re.match(r"^\S+\.jsx?:\d+:\d+:", line)), "")
    kind = "missing_module" if "Could not resolve" in message else "syntax"
    if "No matching export" in message:
        kind = "missing_module"
    detail = (
        f"{message} ({location.split(':', 3)[0]}:{location.split(':', 3)[1]})"
        if location
        else message
    )
    return detail[:500], kind


def bundle(
    files: dict[str, str], *, workdir: Path | None = None, minify: bool = True
) -> BundleResult:
    """Bundle the app and compile its CSS; both tools run at the same time."""
    root = check_runtime()
    own_dir = workdir is None
    work = workdir if workdir is not None else Path(tempfile.mkdtemp(prefix="vibecoder-shadow-"))
    try:
        for path, content in files.items():
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        (work / "out").mkdir(exist_ok=True)
        env = {
            "PATH": f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "NODE_PATH": str(root / "node_modules"),
            "HOME": str(work),
        }
        es_cmd = [
            esbuild_binary(),
            str(work / "src" / "main.jsx"),
            "--bundle",
            "--format=iife",
            "--jsx=automatic",
            "--loader:.js=jsx",
            "--target=es2020",
            '--define:process.env.NODE_ENV="production"',
            "--log-level=error",
            "--color=false",
            f"--outfile={work / 'out' / 'app.js'}",
            *(["--minify"] if minify else []),
        ]
        content = ", ".join(json.dumps(str(work / "src" / "**" / "*.jsx")) for _ in (0,))
        (work / "tailwind.config.js").write_text(TAILWIND_CONFIG % content)
        tw_cmd = [
            _node(),
            str(root / "node_modules" / "tailwindcss" / "lib" / "cli.js"),
            "-c",
            str(work / "tailwind.config.js"),
            "-i",
            str(work / "src" / "index.css"),
            "-o",
            str(work / "out" / "app.css"),
            "--minify",
        ]
        started = time.perf_counter()
        tailwind = subprocess.Popen(
            tw_cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            esbuild = subprocess.run(
                es_cmd,
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=BUNDLE_TIMEOUT_SECONDS,
            )
            bundle_seconds = time.perf_counter() - started
            tw_out, tw_err = tailwind.communicate(timeout=BUNDLE_TIMEOUT_SECONDS)
            tailwind_seconds = time.perf_counter() - started
        finally:
            if tailwind.poll() is None:
                tailwind.kill()
                tailwind.wait()
        result = BundleResult(
            ok=False, bundle_seconds=bundle_seconds, tailwind_seconds=tailwind_seconds
        )
        if esbuild.returncode < 0 or (esbuild.returncode != 0 and not esbuild.stderr.strip()):
            # Killed by a signal, or failed without a word: esbuild itself broke, not the code.
            raise ToolUnavailable(f"the bundler (esbuild) failed with exit {esbuild.returncode}")
        if esbuild.returncode != 0:
            result.error, result.kind = _esbuild_error(esbuild.stderr)
            return result
        if tailwind.returncode != 0:
            # Tailwind reads only our index.css and scans the components as plain text: when it
            # fails, the tool broke, and the model could not fix it.
            raise ToolUnavailable(f"the bundler (tailwind) failed: {tw_err.strip()[-300:]}")
        result.js = (work / "out" / "app.js").read_text()
        result.css = (work / "out" / "app.css").read_text()
        result.ok = True
        return result
    except subprocess.TimeoutExpired as exc:
        raise ToolUnavailable(f"the bundler timed out: {Path(exc.cmd[0]).name}") from exc
    except OSError as exc:  # a configured binary that cannot be executed
        raise ToolUnavailable(f"the bundler cannot start: {exc}") from exc
    finally:
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)


class BundlerProcess:
    """The warm Node bundler (shadow_server.cjs): one per process, requests one at a time.

    esbuild keeps an incremental context for this process's fixed work directory, so the
    runtime modules are parsed once; Tailwind runs through PostCSS in the same process.
    """

    def __init__(self):
        self.workdir = Path(tempfile.gettempdir()) / f"vibecoder-shadow-{os.getpid()}"
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._next_id = 0

    def _start(self) -> subprocess.Popen:
        root = check_runtime()
        esbuild_pkg = TOOLS_BIN.parent / "esbuild"
        if not esbuild_pkg.is_dir():
            raise RuntimeMissing("the esbuild package is missing from .tools; run `make bootstrap`")
        # A missing esbuild must fail here, not as a "syntax error" on the first request; a
        # configured one is what the esbuild package runs too (ESBUILD_BINARY_PATH).
        binary = esbuild_binary()
        env = dict(os.environ)
        if get_settings().esbuild_path:
            env["ESBUILD_BINARY_PATH"] = binary
        proc = subprocess.Popen(
            [_node(), str(SERVER_SCRIPT), str(esbuild_pkg), str(root / "node_modules")],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        ready = proc.stdout.readline()
        if not ready.strip().startswith('{"ready"'):
            proc.kill()
            raise RuntimeMissing(f"the shadow bundler did not start: {ready[:200]!r}")
        return proc

    def bundle(self, files: dict[str, str], *, minify: bool = True) -> BundleResult:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
            src = self.workdir / "src"
            shutil.rmtree(src, ignore_errors=True)
            for path, content in files.items():
                target = self.workdir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content)
            self._next_id += 1
            request = {
                "id": self._next_id,
                "entry": str(src / "main.jsx"),
                "outfile": str(self.workdir / "out" / "app.js"),
                "minify": minify,
                "content": "\n".join(c for p, c in files.items() if p.endswith((".jsx", ".js"))),
                "css": files.get("src/index.css", INDEX_CSS),
            }
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                # One answer line per request, so nothing sits in the pipe's buffer: select
                # bounds the wait; a bundler that hangs is the server's fault, not the code's.
                assert self._proc.stdout is not None  # started with stdout=PIPE
                ready, _, _ = select.select([self._proc.stdout], [], [], BUNDLE_TIMEOUT_SECONDS)
                if not ready:
                    self._proc.kill()
                    raise OSError(f"no answer within {BUNDLE_TIMEOUT_SECONDS:.0f} s")
                line = self._proc.stdout.readline()
                answer = json.loads(line)
            except (OSError, ValueError) as exc:
                self.close()
                raise ToolUnavailable(f"the warm bundler stopped: {exc}") from exc
        if answer.get("kind") in ("tailwind", "toolchain"):
            # The tool broke, not the code; fast_bundle gives the one-shot tools a go.
            raise ToolUnavailable(f"the bundler failed: {answer.get('error', '')}")
        return BundleResult(
            ok=answer.get("ok", False),
            js=answer.get("js", ""),
            css=answer.get("css", ""),
            error=answer.get("error", ""),
            kind=answer.get("kind", ""),
            bundle_seconds=answer.get("bundle_ms", 0) / 1000,
            tailwind_seconds=answer.get("tailwind_ms", 0) / 1000,
        )

    def close(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)


_bundler: BundlerProcess | None = None
_bundler_pid: int | None = None


def get_bundler() -> BundlerProcess:
    global _bundler, _bundler_pid
    if _bundler is None or _bundler_pid != os.getpid():
        _bundler, _bundler_pid = BundlerProcess(), os.getpid()
        atexit.register(_bundler.close)
    return _bundler


def fast_bundle(files: dict[str, str], *, minify: bool = True) -> BundleResult:
    """The warm bundler when it runs here, else one-shot esbuild and Tailwind processes.

    Whatever stopped the warm one, the one-shot tools get a go; ToolUnavailable from them means
    this server cannot bundle at all.
    """
    try:
        return get_bundler().bundle(files, minify=minify)
    except (ToolUnavailable, OSError):
        return bundle(files, minify=minify)


# --- the whole check ---------------------------------------------------------------------------


@dataclass
class ShadowResult:
    ok: bool
    stage: str  # "bundle" | "render" | "passed"
    error: str = ""
    kind: str = ""
    js: str = ""
    css: str = ""
    bundle_seconds: float = 0.0
    tailwind_seconds: float = 0.0
    render_seconds: float = 0.0
    render: RenderResult | None = None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "stage": self.stage,
            "error": self.error,
            "kind": self.kind,
            "bundle_ms": round(self.bundle_seconds * 1000, 1),
            "tailwind_ms": round(self.tailwind_seconds * 1000, 1),
            "render_ms": round(self.render_seconds * 1000, 1),
            "bytes_js": len(self.js),
            "bytes_css": len(self.css),
        }


def component_of_error(error: str, names: list[str]) -> str | None:
    """Which component an error points at: a file path or a name in the message."""
    for name in names:
        if f"components/{name}.jsx" in error:
            return name
    for name in names:
        if re.search(rf"\b{re.escape(name)}\b", error):
            return name
    return None


def validate(files: dict[str, str], *, title: str = "Preview", render: bool = True) -> ShadowResult:
    built = fast_bundle(files)
    result = ShadowResult(
        ok=False,
        stage="bundle",
        error=built.error,
        kind=built.kind,
        bundle_seconds=built.bundle_seconds,
        tailwind_seconds=built.tailwind_seconds,
    )
    if not built.ok:
        return result
    result.js, result.css = built.js, built.css
    if render:
        rendered = get_renderer().render(page_html(built.js, built.css, title))
        result.render, result.render_seconds = rendered, rendered.seconds
        if not rendered.ok:
            result.stage, result.error, result.kind = "render", rendered.error, "render"
            return result
    result.ok, result.stage = True, "passed"
    return result
