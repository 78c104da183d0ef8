"""The shadow render: a candidate page loaded once in headless Chromium (stage 3 of shadow.py).

Debian's Chromium, through Playwright, one browser per process reused across renders, inside
bubblewrap with no network and no app secrets in its environment; a window error, an unhandled
rejection or an empty `#root` fails the render. A browser that cannot start or crashes is the
server's fault (ToolUnavailable), never the generated code's.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import logging
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from vibecoder.settings import get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class ToolUnavailable(RuntimeError):
    """The builder's own tools failed: the bundler or the renderer could not start, or timed out.

    Not the generated code's fault, so the engine never sends it to the model as a FIX: the step
    stops at once with this message and can be retried once the server is fixed.
    """


def first_line(exc: BaseException) -> str:
    # Playwright's launch errors run to a page of logs; the first line names the cause.
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


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


# An error the page handles itself (its ErrorEvent default-prevented, as `onerror` returning
# true does: a static page's own scripts, see builder/service/static_page.py) is logged, as a
# browser does, not a failure. Decided once every listener of the event has run.
ERROR_HOOK = """
window.__vcErrors = [];
window.__vcHandled = [];
window.addEventListener('error', (e) => {
  const message = 'error: ' + (e.message || e);
  setTimeout(() => (e.defaultPrevented ? window.__vcHandled : window.__vcErrors).push(message));
});
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
        return self.run(
            lambda browser: _render_once(browser, html, timeout),
            timeout=timeout,
            # A page (the code) failing leaves the browser up: the code's fault.
            on_page_failure=lambda exc: RenderResult(ok=False, errors=[f"renderer: {exc}"]),
        )

    def run(
        self,
        job: Callable[[Any], T],
        *,
        timeout: float,
        on_page_failure: Callable[[Exception], T],
    ) -> T:
        """Run `job(browser)` in the renderer's thread, with this process's one sandboxed
        browser (vibecoder/builder/screenshot.py takes cover screenshots this way)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, daemon=True, name="renderer")
                self._thread.start()
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((job, on_page_failure, future))
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
            fault = ToolUnavailable(f"the preview renderer could not start: {first_line(exc)}")
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
                job, on_page_failure, future = item
                if browser is None or not browser.is_connected():
                    try:
                        browser = playwright.chromium.launch(**sandboxed_launch(self.executable))
                    except Exception as exc:  # noqa: BLE001 - any launch failure is the server's
                        browser = None
                        future.set_exception(
                            ToolUnavailable(
                                f"the preview renderer (Chromium, {self.executable}) could not "
                                f"start: {first_line(exc)}"
                            )
                        )
                        continue
                try:
                    future.set_result(job(browser))
                except Exception as exc:  # a crashed browser is relaunched next time
                    # A page (the code) failing leaves the browser up; a browser gone with it
                    # means the renderer itself broke.
                    crashed = not browser.is_connected()
                    with contextlib.suppress(Exception):
                        browser.close()
                    browser = None
                    if crashed:
                        future.set_exception(
                            ToolUnavailable(f"the preview renderer crashed: {first_line(exc)}")
                        )
                    else:
                        future.set_result(on_page_failure(exc))
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
                handled: window.__vcHandled || [],
                elements: root ? root.querySelectorAll('*').length : 0,
                text: root ? root.innerText.trim().length : 0,
                visual: root ? root.querySelectorAll(
                  'svg,img,canvas,video,picture,input,button,textarea,select').length : 0,
              };
            }"""
        )
        # Chromium reports a handled error to Playwright too: the page's word decides.
        handled = {_core(m) for m in stats["handled"]}
        result.errors = [e for e in result.errors if _core(e) not in handled]
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


def _core(message: str) -> str:
    """`error: Uncaught TypeError: x` and `error: x` (Playwright's) are the same error."""
    return re.sub(r"^(?:error: )?(?:Uncaught )?(?:[A-Za-z]*Error: )?", "", message)


_renderer: Renderer | None = None
_renderer_pid: int | None = None


def get_renderer() -> Renderer:
    global _renderer, _renderer_pid
    if _renderer is None or _renderer_pid != os.getpid():  # a forked worker gets its own
        _renderer, _renderer_pid = Renderer(), os.getpid()
        atexit.register(_renderer.close)
    return _renderer
