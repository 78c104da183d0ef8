"""A builder preview page as the app page embeds it: in a sandboxed iframe (opaque origin),
under the response's own headers (its CSP), in real Chromium."""

from __future__ import annotations

import concurrent.futures
import os

from vibecoder.settings import get_settings

CHROMIUM = os.environ.get("VIBECODER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def reporting_frame_messages(
    page_html: str, headers: dict, *, in_frame: str | None = None
) -> list[dict]:
    """Messages the app page receives from the preview loaded in a sandboxed iframe; with
    `in_frame` (a JS function), the messages and then what it returns inside the frame once
    it is true-ish (within 10 s)."""
    from playwright.sync_api import sync_playwright

    app = get_settings().public_url
    host = (
        "<!doctype html><body><script>window.got = [];"
        "addEventListener('message', (e) => window.got.push("
        "{origin: e.origin, fromFrame: e.source === frames[0], data: e.data}));</script>"
        '<iframe sandbox="allow-scripts" src="http://preview.test/p/"></iframe></body>'
    )

    def run() -> list[dict]:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.route(
                    f"{app}/host",
                    lambda route: route.fulfill(status=200, content_type="text/html", body=host),
                )
                page.route(
                    "http://preview.test/**",
                    lambda route: route.fulfill(status=200, headers=headers, body=page_html),
                )
                page.goto(f"{app}/host")
                page.wait_for_function("window.got.length > 0", timeout=10_000)
                page.wait_for_timeout(300)  # anything sent after the first message
                got = page.evaluate("window.got")
                if in_frame is None:
                    return got
                frame = page.frames[1]
                frame.wait_for_function(in_frame, timeout=10_000)
                return [*got, frame.evaluate(in_frame)]
            finally:
                browser.close()

    # Playwright's sync API refuses to start in a thread whose event loop is running (the e2e
    # tests' session browser keeps one in the main thread), so the check gets its own thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
