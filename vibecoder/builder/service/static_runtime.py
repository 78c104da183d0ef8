"""The two components a converted static page keeps as they are (static_page.py): its CSS
(`PageStyles`, first) and its classic scripts (`PageScripts`, last, renders nothing).

Both start with changes.KEEP_MARKER, so a MODIFY that does not name them leaves them alone.
"""

from __future__ import annotations

from vibecoder.builder.changes import KEEP_MARKER
from vibecoder.builder.prompts import MAX_COMPONENT_LINES
from vibecoder.builder.service.static_jsx import js

# The builder's CSS starts with Tailwind's preflight, which zeroes what browsers give a plain
# page (heading sizes, margins, list bullets, link colours). A static page was written against
# the browser's defaults, so its CSS comes after this: preflight's rules, reverted.
REVERT_PREFLIGHT = """*, ::before, ::after { box-sizing: revert; border-width: revert; border-style: revert; border-color: revert; }
html { line-height: revert; font-family: revert; tab-size: revert; }
body { margin: revert; line-height: revert; }
hr { height: revert; color: revert; border-top-width: revert; }
h1, h2, h3, h4, h5, h6 { font-size: revert; font-weight: revert; }
a { color: revert; text-decoration: revert; }
code, kbd, samp, pre { font-family: revert; font-size: revert; }
table { text-indent: revert; border-color: revert; border-collapse: revert; }
button, input, optgroup, select, textarea { font: revert; letter-spacing: revert; color: revert; margin: revert; padding: revert; text-transform: revert; }
button, input:where([type='button']), input:where([type='reset']), input:where([type='submit']) { appearance: revert; background-color: revert; background-image: revert; }
blockquote, dl, dd, h1, h2, h3, h4, h5, h6, hr, figure, p, pre { margin: revert; }
fieldset { margin: revert; padding: revert; }
legend, dialog { padding: revert; }
ol, ul, menu { list-style: revert; margin: revert; padding: revert; }
textarea { resize: revert; }
input::placeholder, textarea::placeholder { opacity: revert; color: revert; }
button, [role="button"] { cursor: revert; }
img, svg, video, canvas, audio, iframe, embed, object { display: revert; vertical-align: revert; }
img, video { max-width: revert; height: revert; }
"""  # noqa: E501 - one rule a line reads best


def literal(text: str, *, lines_left: int) -> str:
    """A template literal reads like the file it came from; past the line budget, a one-line
    string literal keeps the component within 150 lines."""
    if text.count("\n") < lines_left:
        return "`" + text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${") + "`"
    return js(text)


PAGE_STYLES = """%s
import { useLayoutEffect } from "react";

// The page's CSS, after Tailwind's preflight reverted to browser defaults (the page was written
// against them). A constructed style sheet rather than a <style> element: the preview's CSP
// admits no style element it has not hashed, and CSSOM sheets are not markup.
const CSS = %s;
// The page styled its <body> by class; React draws inside it, so they go on the real one.
const BODY_CLASSES = %s;
const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

export default function PageStyles() {
  // Before the first paint; once, however often React mounts it (StrictMode remounts).
  useLayoutEffect(() => {
    const others = document.adoptedStyleSheets.filter((s) => s !== sheet);
    document.adoptedStyleSheets = [...others, sheet];
    document.body.classList.add(...BODY_CLASSES);
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, []);
  return null;
}
"""


def page_styles(css: str, body_classes: list[str]) -> str:
    text = REVERT_PREFLIGHT + "\n/* The page's own styles */\n" + css + "\n"
    lines_left = MAX_COMPONENT_LINES - PAGE_STYLES.count("\n") - 2
    classes = "[" + ", ".join(js(c) for c in body_classes) + "]"
    return PAGE_STYLES % (KEEP_MARKER, literal(text, lines_left=lines_left), classes)


PAGE_SCRIPTS = """%s
import { useEffect } from "react";

// The page's own scripts, in page order: %s.
const SCRIPTS = [
%s
];

// Once React has drawn the page (the scripts look up its elements), each script runs as a
// classic script, one after the other, like the page's <script> tags did.
export default function PageScripts() {
  useEffect(() => {
    if (window.__pageScriptsStarted) return; // StrictMode runs effects twice in development
    window.__pageScriptsStarted = true;
    const urls = SCRIPTS.map(
      (script) => URL.createObjectURL(new Blob([script.code], { type: "text/javascript" })),
    );
    // As on the static page, a script that throws is logged and the page stays up: marked
    // handled (before the preview's own listeners, in the capture phase).
    window.addEventListener(
      "error",
      (event) => {
        const index = urls.indexOf(event.filename);
        if (index < 0) return;
        event.preventDefault();
        console.error(`${SCRIPTS[index].name}: ${event.message}`);
      },
      true,
    );
    const run = (index) => {
      if (index === urls.length) {
        // The document loaded before React drew the page; scripts waiting for it start now.
        document.dispatchEvent(new Event("DOMContentLoaded", { bubbles: true }));
        return;
      }
      const element = document.createElement("script");
      element.src = urls[index];
      element.onload = element.onerror = () => run(index + 1);
      document.body.appendChild(element);
    };
    run(0);
  }, []);
  return null;
}
"""


def page_scripts(found: list[tuple[str, str]]) -> str:
    lines_left = MAX_COMPONENT_LINES - PAGE_SCRIPTS.count("\n") - 3 * len(found)
    entries = []
    for name, code in found:
        text = literal(code, lines_left=lines_left)
        lines_left -= text.count("\n")
        entries.append(f"  {{ name: {js(name)}, code: {text} }},")
    names = ", ".join(name for name, _ in found)
    return PAGE_SCRIPTS % (KEEP_MARKER, names, "\n".join(entries))
