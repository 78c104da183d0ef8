"""Find TODO/FIXME/HACK comments and report them as Markdown."""

import os
import re
import sys

MARKER = re.compile(r"(?:#|//|/\*|<!--)\s*(TODO|FIXME|HACK)(?:\((?P<owner>[^)]+)\))?:?\s*(?P<text>.*)")
SKIP_DIRS = {".git", "node_modules", ".venv", "__pycache__", "dist", "build"}


def scan_text(path, text):
    for number, line in enumerate(text.splitlines(), 1):
        match = MARKER.search(line)
        if match:
            yield {"path": path, "line": number, "kind": match.group(1),
                   "owner": match.group("owner") or "unassigned",
                   "text": match.group("text").strip(" */->")}


def scan_tree(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    yield from scan_text(os.path.relpath(path, root), handle.read())
            except (UnicodeDecodeError, OSError):
                continue


def report(items):
    items = sorted(items, key=lambda i: (i["kind"] != "FIXME", i["owner"], i["path"], i["line"]))
    lines = [f"# {len(items)} open markers", "", "| kind | owner | where | note |", "| --- | --- | --- | --- |"]
    lines += [f"| {i['kind']} | {i['owner']} | {i['path']}:{i['line']} | {i['text']} |" for i in items]
    return "\n".join(lines)


if __name__ == "__main__":
    if "--demo" in sys.argv:
        sample = "x = 1  # TODO(mara): cache this\n// FIXME: off by one\n/* HACK: remove after v2 */"
        print(report(scan_text("app.js", sample)))
    else:
        print(report(scan_tree(sys.argv[1] if len(sys.argv) > 1 else ".")))
