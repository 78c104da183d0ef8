"""The page of one builder version, for the sandboxed preview iframe.

The bundle and the compiled CSS are inlined and allowed by their SHA-256 hashes, so the page
loads nothing else: a sandboxed frame has an opaque origin and its own sub-requests would not
carry the owner's session cookie anyway. Only the project's owner may see it; any other caller
gets the same answer as for a project that does not exist.

A small reporter script runs before the bundle and tells the builder page, by postMessage to
the app's origin only, whether the page came up ("ready": `#root` shows something and no error
within a moment) or failed, and forwards later runtime errors. The builder page's shadow tester
swaps a new version in only on "ready" (assets/builder_preview.js).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import time
from dataclasses import dataclass

from sqlmodel import Session, select

from vibecoder.builder.service.projects import version_bundle
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.settings import get_settings


@dataclass(frozen=True)
class PreviewPage:
    html: str
    csp: str


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Runs before the bundle, so errors thrown while the bundle starts are caught too. Errors keep
# being forwarded after "ready": those are the runtime errors shown under the preview.
REPORTER = """(function () {
  var targets = %s, settled = false;
  function post(kind, message) {
    // To the app's own origin(s) only: a message for an origin the parent is not at is dropped.
    targets.forEach(function (target) {
      try {
        window.parent.postMessage(
          { vibecoderPreview: 1, kind: kind, path: location.pathname,
            message: String(message || "").slice(0, 2000) },
          target
        );
      } catch (e) {}
    });
  }
  function fail(message) { settled = true; post("error", message); }
  window.addEventListener("error", function (e) {
    var err = e.error;
    var message = err && err.message ? (err.name || "Error") + ": " + err.message
      : e.message || "Script error";
    // Once every listener has run: an error the page handled itself (a static page's own
    // script, see static_page.py) is only logged, as a browser does.
    setTimeout(function () { if (!e.defaultPrevented) fail(message); });
  });
  window.addEventListener("unhandledrejection", function (e) {
    var r = e.reason;
    fail("Unhandled promise rejection: " + ((r && (r.message || r)) || "unknown"));
  });
  window.addEventListener("load", function () {
    var tries = 0;
    (function check() {
      if (settled) return;
      var root = document.getElementById("root");
      var shown = root && (root.innerText.trim() ||
        root.querySelector("svg,img,canvas,video,picture,input,button,textarea,select"));
      if (shown) {
        setTimeout(function () { if (!settled) { settled = true; post("ready"); } }, 150);
      } else if (++tries > 60) {
        fail("The page rendered nothing.");
      } else {
        setTimeout(check, 50);
      }
    })();
  });
})();"""


def reporter_script(app_origins: str) -> str:
    """The reporter for the space-separated origins the app is served at (frame-ancestors)."""
    return REPORTER % json.dumps(app_origins.split())


def content_security_policy(
    *, script: str, style: str, frame_ancestors: str, reporter: str = ""
) -> str:
    scripts = " ".join(_csp_hash(text) for text in (reporter, script) if text)
    return "; ".join(
        [
            # The page gets an opaque origin even when opened directly (not in the iframe):
            # no cookies, no storage, nothing of the app's origin reachable.
            "sandbox allow-scripts",
            "default-src 'none'",
            # blob: lets a static page's own classic scripts run (static_page.py PageScripts
            # loads them so, as they shared globals on the page). Only code already running
            # here under a hash can mint a blob: URL, so this admits nothing from outside.
            f"script-src {scripts} blob:",
            f"style-src {_csp_hash(style)}",
            "img-src data: blob:",
            "font-src data:",
            "connect-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
            "object-src 'none'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def render_page(*, title: str, js: str, css: str, frame_ancestors: str) -> PreviewPage:
    # Inline text must not close its own element early; `<\/` means `</` in JS strings.
    script = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    style = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    safe_title = html.escape(title[:120] or "Preview")
    reporter = reporter_script(frame_ancestors)
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{safe_title}</title>\n<style>{style}</style>\n<script>{reporter}</script>\n"
        "</head>\n"
        f'<body>\n<div id="root"></div>\n<script>{script}</script>\n</body>\n</html>\n'
    )
    return PreviewPage(
        html=page,
        csp=content_security_policy(
            script=script, style=style, frame_ancestors=frame_ancestors, reporter=reporter
        ),
    )


def owned_version(
    session: Session, *, user_id: int, public_id: str, number: int
) -> tuple[BuilderProject, BuilderVersion] | None:
    """The project's version `number` when `user_id` owns the project, else None."""
    row = session.exec(
        select(BuilderProject, BuilderVersion)
        .join(BuilderVersion, BuilderVersion.project_id == BuilderProject.id)
        .where(
            BuilderProject.public_id == public_id,
            BuilderProject.owner_id == user_id,
            BuilderVersion.number == number,
        )
    ).first()
    return (row[0], row[1]) if row else None


def preview_page(
    session: Session, *, user_id: int, public_id: str, number: int, frame_ancestors: str
) -> PreviewPage | None:
    found = owned_version(session, user_id=user_id, public_id=public_id, number=number)
    if found is None:
        return None
    project, version = found
    js, css = version_bundle(version)
    return render_page(title=project.name, js=js, css=css, frame_ancestors=frame_ancestors)


def _preview_mac(public_id: str, number: int, user_id: int, expires: int) -> str:
    key = get_settings().secret_key.encode()
    message = f"preview:{public_id}:{number}:{user_id}:{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def sign_preview(*, public_id: str, number: int, user_id: int, now: float | None = None) -> str:
    """A link token for one version's preview, for its owner, valid for a few hours.

    The preview lives on another origin (VIBECODER_PREVIEW_URL) that never sees the app's
    session cookie, so the owner check travels in the link instead.
    """
    expires = int((now or time.time()) + get_settings().preview_link_ttl_seconds)
    mac = _preview_mac(public_id, number, user_id, expires)
    return f"{user_id}.{expires}.{mac}"


def verify_preview(*, public_id: str, number: int, token: str | None) -> int | None:
    """The owner's user id a valid, unexpired link token stands for, else None."""
    try:
        uid_text, expires_text, mac = (token or "").split(".")
        user_id, expires = int(uid_text), int(expires_text)
    except ValueError:
        return None
    if expires < time.time():
        return None
    if not hmac.compare_digest(mac, _preview_mac(public_id, number, user_id, expires)):
        return None
    return user_id


def preview_url(*, public_id: str, number: int, user_id: int) -> str:
    token = sign_preview(public_id=public_id, number=number, user_id=user_id)
    return f"{get_settings().public_preview_url}/preview/{public_id}/{number}/?t={token}"
