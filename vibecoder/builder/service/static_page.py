"""A static web page (`index.html` with its local scripts and styles) as builder components.

Variations (variations.py) run the builder's MODIFY, which works on React components. A
storefront template sold as a plain page has none, so this turns the page into them, such that
`shadow.assemble` + `shadow.validate` build and render the same page:

- each top-level element of `<body>` is one component named after its role, id, class or tag
  (`Navbar`, `Hero`, `Footer`, `Shop`…); one longer than the builder's 150 lines is split by its
  children, each piece inside a copy of the element (the id stays on the first);
- `PageStyles` (first) adopts the page's CSS, inline and local stylesheets in page order;
- `PageScripts` (last, renders nothing) runs the page's classic scripts once React has drawn the
  page, in page order, one after another, as classic scripts from blob: URLs, so they share
  globals exactly as on the static page. Remote scripts are dropped: previews have no network.

Both start with changes.KEEP_MARKER: a MODIFY leaves them alone unless it names them, since
they are the page's look and behaviour rather than a section to rewrite.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from vibecoder.builder.planning import PASCAL, RESERVED, pascal_case
from vibecoder.builder.prompts import MAX_COMPONENT_LINES
from vibecoder.builder.service.static_jsx import (
    BLOCK,
    Node,
    Unconvertible,
    children_of,
    element,
    find,
    parse,
    text_of,
    wrapper,
)
from vibecoder.builder.service.static_runtime import page_scripts, page_styles
from vibecoder.errors import ValidationFailed

ENTRY = "index.html"
MAX_HTML_CHARS = 400_000
MAX_COMPONENTS = 24
# The function around the JSX takes 5 lines of a component's 150.
JSX_BUDGET = MAX_COMPONENT_LINES - 5
RUNTIME = ("PageStyles", "PageScripts")
# A component named like a browser global would shadow it inside its own module.
GLOBALS = {"Array", "Audio", "Blob", "Date", "Document", "Element", "Error", "Event", "Image",
           "Intl", "Map", "Math", "Node", "Number", "Object", "Option", "Promise", "Proxy",
           "Set", "String", "Symbol", "Text", "URL", "Window"}  # fmt: skip
TAG_NAMES = {"main": "Content", "div": "Block", "p": "Paragraph", "a": "Link", "ul": "List"}
JS_TYPES = {"", "text/javascript", "application/javascript", "text/ecmascript"}


@dataclass(frozen=True)
class StaticPage:
    title: str
    order: list[str]
    components: dict[str, str]


def refuse(reason: str) -> ValidationFailed:
    return ValidationFailed("static_page_unsupported", f"This page cannot be varied: {reason}.")


def is_static_page(paths: list[str]) -> bool:
    return ENTRY in paths


def local_path(url: str) -> str | None:
    """The version's file a page URL names (`./js/cart.js?v=2` → `js/cart.js`), or None for
    anything remote (`https:`, `//cdn…`, `data:`) or outside the page's folder."""
    url = url.strip()
    if not url or url.startswith("//") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
        return None
    path = posixpath.normpath(re.split(r"[?#]", url, maxsplit=1)[0].lstrip("/"))
    return None if path.startswith("..") or path == "." else path


def walk_tags(node: Node, tags: set[str]):
    """Elements named `tags`, in document order."""
    for child in node.children:
        if child.tag in tags:
            yield child
        yield from walk_tags(child, tags)


def stylesheets(tree: Node, files: dict[str, str]) -> str:
    parts = []
    for node in walk_tags(tree, {"style", "link"}):
        if node.tag == "style":
            parts.append(text_of(node))
        elif "stylesheet" in node.attr("rel").lower().split():
            path = local_path(node.attr("href"))
            if path is not None and path in files:
                parts.append(files[path])
    return "\n".join(p.strip("\n") for p in parts if p.strip())


def scripts(tree: Node, files: dict[str, str]) -> list[tuple[str, str]]:
    """(name, code) of the page's classic scripts, in page order."""
    found, inline = [], 0
    for node in walk_tags(tree, {"script"}):
        kind = node.attr("type").strip().lower()
        if kind == "module":
            raise Unconvertible('it loads a module script (type="module")')
        if kind not in JS_TYPES or any(k == "nomodule" for k, _ in node.attrs):
            continue  # a data block (JSON, a template) or the legacy twin of a module
        if any(k == "src" for k, _ in node.attrs):
            path = local_path(node.attr("src"))
            if path is None or path not in files:
                continue  # remote (no network in previews), or missing from the page too
            name, code = path, files[path]
        else:
            inline += 1
            name, code = f"inline script {inline}", text_of(node)
        if re.search(r"\bdocument\s*\.\s*write(?:ln)?\s*\(", code):
            raise Unconvertible(f"{name} calls document.write, which would erase a drawn page")
        found.append((name, code))
    return found


# --- names and pieces ----------------------------------------------------------------------------


def base_name(node: Node) -> str:
    """By role first (the builder's section names), then id, class, tag."""
    role = node.attr("role").lower()
    ident = node.attr("id")
    words = [ident, *node.attr("class").split()]
    if node.tag == "nav" or role == "navigation":
        return "Navbar"
    if node.tag == "footer" or role == "contentinfo":
        return "Footer"
    if any("hero" in w.lower() for w in words):
        return "Hero"
    if node.tag == "header" or role == "banner":
        return "Header"
    for word in words:
        name = pascal_case(word)
        if PASCAL.match(name) and name not in RESERVED:
            return name
    return TAG_NAMES.get(node.tag) or pascal_case(node.tag) or "Section"


def unique(name: str, taken: set[str]) -> str:
    if name in RESERVED or name in GLOBALS or name in RUNTIME:
        name += "Section"
    candidate, number = name[:44], 2
    while candidate in taken:
        candidate, number = f"{name[:44]}{number}", number + 1
    taken.add(candidate)
    return candidate


def pieces(node: Node, indent: int, budget: int) -> list[list[str]]:
    """`node` as JSX line lists of at most `budget` lines each (one, unless it is too long)."""
    lines = element(node, indent)
    if len(lines) <= budget:
        return [lines]
    kids = children_of(node)
    if budget < 20 or not kids:
        raise Unconvertible(f"a <{node.tag}> is nested too deeply to split into components")
    parts = [p for kid in kids for p in pieces(kid, indent + 1, budget - 2)]
    groups: list[list[str]] = [[]]
    for part in parts:
        if groups[-1] and len(groups[-1]) + len(part) > budget - 2:
            groups.append([])
        groups[-1] += part
    return [wrapper(node, g, indent, keep_id=i == 0) for i, g in enumerate(groups)]


def sections(body: Node) -> list[Node]:
    """The body's top-level blocks; loose text and inline elements between them become one
    fragment each, as they render side by side."""
    found: list[Node] = []
    for child in children_of(body):
        if child.tag in BLOCK or child.tag in ("header", "main", "svg", "canvas", "video"):
            found.append(child)
        elif found and found[-1].tag == "#fragment":
            found[-1].children.append(child)
        else:
            found.append(Node("#fragment", children=[child]))
    return found


def component(name: str, jsx: list[str]) -> str:
    body = "\n".join(jsx)
    return f"export default function {name}() {{\n  return (\n{body}\n  );\n}}\n"


def fragment_pieces(node: Node) -> list[list[str]]:
    inner = [line for child in node.children for line in element(child, 3)]
    if len(inner) > JSX_BUDGET - 2:
        raise Unconvertible("it has over 150 lines of loose text between its sections")
    return [["    <>", *inner, "    </>"]]


# --- the page ----------------------------------------------------------------------------------


def convert(files: dict[str, str], *, title: str = "Page") -> StaticPage:
    """The page's components and order; ValidationFailed (with the reason) when it cannot be."""
    html = files.get(ENTRY)
    if html is None:
        raise refuse(f"it has no {ENTRY}")
    if len(html) > MAX_HTML_CHARS:
        raise refuse(f"its {ENTRY} is over {MAX_HTML_CHARS // 1000} kB")
    try:
        tree = parse(html)
        body = find(tree, "body") or find(tree, "html") or tree
        found = scripts(tree, files)
        taken: set[str] = set()
        components: dict[str, str] = {}
        for node in sections(body):
            if node.tag == "#fragment":
                parts, base = fragment_pieces(node), "Inline"
            else:
                parts, base = pieces(node, 2, JSX_BUDGET), base_name(node)
            for part in parts:
                name = unique(base, taken)
                components[name] = component(name, part)
    except Unconvertible as exc:
        raise refuse(str(exc)) from exc
    if not components:
        raise refuse(f"its {ENTRY} shows nothing in <body>")
    if len(components) > MAX_COMPONENTS:
        raise refuse(f"it would take {len(components)} components, over {MAX_COMPONENTS}")
    order = list(components)
    classes = find(tree, "body").attr("class").split() if find(tree, "body") else []
    components = {"PageStyles": page_styles(stylesheets(tree, files), classes), **components}
    order.insert(0, "PageStyles")
    if found:
        components["PageScripts"] = page_scripts(found)
        order.append("PageScripts")
    page_title = " ".join(text_of(t).split()) if (t := find(tree, "title")) else ""
    return StaticPage(title=page_title or title, order=order, components=components)
