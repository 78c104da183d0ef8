"""Shadow validation: assemble the app, bundle it with esbuild, compile Tailwind, render once.

Nothing reaches the visible preview (or becomes a version) unless it passed all three:

1. esbuild bundles `src/main.jsx` against the preview runtime (react 18, react-dom,
   framer-motion, lucide-react installed once by `make bootstrap` into `.tools/preview`); an
   unresolved import or a syntax error fails here, with esbuild's message.
2. Tailwind 3 compiles the classes the components use (runs next to esbuild, in parallel).
3. Headless Chromium (Debian's, through Playwright, one browser per process reused across
   renders) loads the page with every network request blocked and fails on a window error, an
   unhandled rejection, or an empty `#root`.

The App root is assembled here, by code: it imports each component and renders them in plan
order. The model never writes it.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import json
import logging
import os
import queue
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from vibecoder.infra.toolchain import TOOLS_BIN, node_binary
from vibecoder.settings import PROJECT_ROOT, get_settings

log = logging.getLogger(__name__)
RUNTIME_MODULES = ("react", "react-dom", "framer-motion", "lucide-react", "tailwindcss", "postcss")
SERVER_SCRIPT = Path(__file__).with_name("shadow_server.cjs")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TAILWIND_CONFIG = """module.exports = {
  content: [%s],
  theme: { extend: {} },
  plugins: [],
};
"""
INDEX_CSS = "@tailwind base;\n@tailwind components;\n@tailwind utilities;\n"
# The one-shot tools' limit too (esbuild/Tailwind on a few components take well under a second).
BUNDLE_TIMEOUT_SECONDS = 60.0


class ToolUnavailable(RuntimeError):
    """The builder's own tools failed: the bundler or the renderer could not start, or timed out.

    Not the generated code's fault, so the engine never sends it to the model as a FIX: the step
    stops at once with this message and can be retried once the server is fixed.
    """


class RuntimeMissing(ToolUnavailable):
    """The preview runtime or esbuild is not installed (`make bootstrap` installs them)."""


def _first_line(exc: BaseException) -> str:
    # Playwright's launch errors run to a page of logs; the first line names the cause.
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


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


# --- render ------------------------------------------------------------------------------------


@dataclass
class RenderResult:
    ok: bool
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    text_chars: int = 0
    elements: int = 0
    seconds: float = 0.0

    @property
    def error(self) -> str:
        if self.errors:
            return self.errors[0][:500]
        return "" if self.ok else "the page rendered nothing (empty #root)"


ERROR_HOOK = """
window.__vcErrors = [];
window.addEventListener('error', (e) => window.__vcErrors.push('error: ' + (e.message || e)));
window.addEventListener('unhandledrejection', (e) => window.__vcErrors.push(
  'unhandled rejection: ' + ((e.reason && (e.reason.message || e.reason)) || 'unknown')));
"""


def page_html(js: str, css: str, title: str = "Preview") -> str:
    """The page with bundle and CSS inline (what the shadow render loads)."""
    script = js.replace("</script", "<\\/script")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{re.sub(r'[<>&]', '', title)}</title><style>{css}</style>"
        f"<script>{ERROR_HOOK}</script></head>"
        f'<body><div id="root"></div><script>{script}</script></body></html>'
    )


class Renderer:
    """One headless Chromium per process, driven from its own thread.

    Playwright's sync API owns an event loop; the providers use asyncio.run in the caller's
    thread, so the browser lives in a dedicated thread and renders are handed over a queue.
    """

    def __init__(self, executable: str | None = None):
        self.executable = executable or get_settings().chromium_path
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def render(self, html: str, *, timeout: float = 8.0) -> RenderResult:
        """Render once; ToolUnavailable when the browser cannot start or does not answer."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, daemon=True, name="renderer")
                self._thread.start()
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((html, timeout, future))
        try:
            return future.result(timeout=timeout + 60)
        except concurrent.futures.TimeoutError as exc:
            raise ToolUnavailable(
                f"the preview renderer did not answer within {timeout + 60:.0f} s"
            ) from exc

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                self._serve(playwright)
        except Exception as exc:  # Playwright's driver itself did not start
            fault = ToolUnavailable(f"the preview renderer could not start: {_first_line(exc)}")
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    item[2].set_exception(fault)

    def _serve(self, playwright) -> None:
        browser = None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                html, timeout, future = item
                if browser is None or not browser.is_connected():
                    try:
                        browser = playwright.chromium.launch(**sandboxed_launch(self.executable))
                    except Exception as exc:  # noqa: BLE001 - any launch failure is the server's
                        browser = None
                        future.set_exception(
                            ToolUnavailable(
                                f"the preview renderer (Chromium, {self.executable}) could not "
                                f"start: {_first_line(exc)}"
                            )
                        )
                        continue
                try:
                    future.set_result(_render_once(browser, html, timeout))
                except Exception as exc:  # a crashed browser is relaunched next time
                    # A page (the code) failing leaves the browser up; a browser gone with it
                    # means the renderer itself broke.
                    crashed = not browser.is_connected()
                    with contextlib.suppress(Exception):
                        browser.close()
                    browser = None
                    if crashed:
                        future.set_exception(
                            ToolUnavailable(f"the preview renderer crashed: {_first_line(exc)}")
                        )
                    else:
                        future.set_result(RenderResult(ok=False, errors=[f"renderer: {exc}"]))
        finally:
            if browser is not None:
                with contextlib.suppress(Exception):
                    browser.close()


SANDBOX_WRAPPER = Path(__file__).with_name("chromium_sandboxed.sh")
# Belt and braces inside the network namespace: no proxy, no DNS, nothing resolves.
NO_NETWORK_ARGS = [
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def sandboxed_launch(executable: str) -> dict:
    """Playwright launch options for generated code: Chromium inside bubblewrap (no network,
    read-only filesystem) when bwrap exists, and an environment without the app's secrets."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
    options = {"args": [*CHROMIUM_ARGS, *NO_NETWORK_ARGS], "env": env}
    if shutil.which("bwrap"):
        env["VC_CHROMIUM_REAL"] = executable
        return {**options, "executable_path": str(SANDBOX_WRAPPER)}
    log.warning("bubblewrap not found: the shadow renderer runs without its sandbox")
    return {**options, "executable_path": executable}


def _render_once(browser, html: str, timeout: float) -> RenderResult:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = time.perf_counter()
    context = browser.new_context(java_script_enabled=True, viewport={"width": 1280, "height": 900})
    result = RenderResult(ok=False)
    try:
        # The preview must need nothing from the network: every request is refused.
        context.route("**/*", lambda route: route.abort())
        page = context.new_page()
        page.on("pageerror", lambda exc: result.errors.append(f"error: {exc}"))
        page.on(
            "console",
            lambda msg: (
                result.console_errors.append(msg.text[:300]) if msg.type == "error" else None
            ),
        )
        page.set_content(html, wait_until="load", timeout=timeout * 1000)
        with contextlib.suppress(Exception):
            page.wait_for_function(
                "(document.getElementById('root') || {}).childElementCount > 0"
                " || (window.__vcErrors || []).length > 0",
                timeout=min(timeout, 3.0) * 1000,
            )
        page.wait_for_timeout(150)  # effects and first animation frame
        try:
            # evaluate() below has no time limit: a page whose script never yields would hang
            # the renderer, and that is the code's fault, not the tool's.
            page.wait_for_function("() => true", timeout=min(timeout, 3.0) * 1000)
        except PlaywrightTimeout:
            result.errors.append("error: the page stopped responding (an endless loop?)")
            return result
        stats = page.evaluate(
            """() => {
              const root = document.getElementById('root');
              return {
                errors: window.__vcErrors || [],
                elements: root ? root.querySelectorAll('*').length : 0,
                text: root ? root.innerText.trim().length : 0,
                visual: root ? root.querySelectorAll(
                  'svg,img,canvas,video,picture,input,button,textarea,select').length : 0,
              };
            }"""
        )
        for message in stats["errors"]:
            if not any(message.split(": ", 1)[-1] in e for e in result.errors):
                result.errors.append(message)
        result.elements, result.text_chars = stats["elements"], stats["text"]
        # Empty: nothing to read or see (the App's wrapper div alone does not count).
        visible = result.text_chars > 0 or stats["visual"] > 0
        result.ok = not result.errors and result.elements > 0 and visible
    finally:
        context.close()
        result.seconds = time.perf_counter() - started
    return result


_renderer: Renderer | None = None
_renderer_pid: int | None = None


def get_renderer() -> Renderer:
    global _renderer, _renderer_pid
    if _renderer is None or _renderer_pid != os.getpid():  # a forked worker gets its own
        _renderer, _renderer_pid = Renderer(), os.getpid()
        atexit.register(_renderer.close)
    return _renderer


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
