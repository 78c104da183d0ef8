"""HTML elements as JSX, for static_page.py: a small tree from the stdlib parser, then JSX text.

html.parser only tokenizes, so the tree is built here with the few implied end tags real pages
lean on (a `<p>` or `<li>` left open). The JSX must mean what the HTML meant: attributes get
React's names, inline styles become style objects, text and attribute values are JSON string
literals wherever JSX would read them otherwise (braces, angle brackets, entities), and whatever
would run code from the markup (`on*=` handlers, `javascript:` URLs) is never carried over.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
BLOCK = {
    "address", "article", "aside", "blockquote", "details", "dialog", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
    "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "summary", "option", "select",
}  # fmt: skip
# An open <p> ends where a block starts; an open <li>/<dt>/<option> ends at its next sibling.
CLOSES_P = BLOCK - {"li", "dd", "dt", "td", "th", "tr", "option", "summary", "caption"}
SIBLING_ENDS = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"}}
# React's names for the HTML and SVG attributes the parser hands over in lower case.
_REACT_NAMES = (
    "acceptCharset accessKey allowFullScreen autoComplete autoFocus autoPlay cellPadding "
    "cellSpacing charSet colSpan contentEditable crossOrigin dateTime encType enterKeyHint "
    "fetchPriority formAction formEncType formMethod formNoValidate formTarget frameBorder "
    "hrefLang inputMode itemProp itemScope itemType marginHeight marginWidth maxLength "
    "minLength noModule noValidate playsInline readOnly referrerPolicy rowSpan spellCheck "
    "srcDoc srcLang srcSet tabIndex useMap viewBox preserveAspectRatio gradientUnits "
    "gradientTransform patternUnits patternTransform clipPathUnits markerHeight markerWidth "
    "maskUnits pathLength refX refY spreadMethod startOffset stdDeviation textLength "
    "baseFrequency numOctaves"
)
ATTRIBUTES = {name.lower(): name for name in _REACT_NAMES.split(" ")} | {
    "class": "className",
    "for": "htmlFor",
    "http-equiv": "httpEquiv",
}
# SVG presentation attributes are hyphenated in markup, camelCase in React.
HYPHENATED_SVG = re.compile(
    r"^(?:stroke|fill|clip|font|text|stop|flood|lighting|marker|color|dominant|alignment|"
    r"baseline|glyph|letter|word|writing|shape|image|paint|pointer|vector|enable|overline|"
    r"underline|strikethrough|unicode|horiz|vert|panose|cap|x-height|accent)-"
)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset"}


class Unconvertible(ValueError):
    """What the page uses that a React component cannot reproduce; the message says what."""


@dataclass
class Node:
    tag: str  # "" for text
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def attr(self, name: str) -> str:
        return next((v or "" for k, v in self.attrs if k == name), "")


class TreeBuilder(HTMLParser):
    """The document as Nodes; end tags that close nothing open are ignored, as browsers do."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        top = self.stack[-1].tag
        if (top == "p" and tag in CLOSES_P) or tag in SIBLING_ENDS.get(top, ()):
            self.stack.pop()
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, attrs))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(Node("", text=data))


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def find(node: Node, tag: str) -> Node | None:
    for child in node.children:
        if child.tag == tag:
            return child
        found = find(child, tag)
        if found is not None:
            return found
    return None


# --- values ------------------------------------------------------------------------------------


def js(value: str) -> str:
    """A JS string literal (JSON's is one), unambiguous in JSX attribute and child position."""
    return json.dumps(value, ensure_ascii=False)


def code_url(value: str) -> bool:
    """A URL that would run script: `javascript:` (or vbscript:, data:text/html), however spelt."""
    squashed = re.sub(r"[\x00-\x20]+", "", value).lower()
    return squashed.startswith(("javascript:", "vbscript:", "data:text/html"))


def style_object(text: str) -> str:
    """`color: red; --gap: 4px` → `{{ color: "red", "--gap": "4px" }}` (custom properties
    keep their names; `!important` has no React form and is dropped)."""
    entries = []
    for declaration in split_declarations(text):
        name, sep, value = declaration.partition(":")
        name, value = name.strip(), re.sub(r"\s*!important\s*$", "", value.strip(), flags=re.I)
        if not sep or not name or not value:
            continue
        if name.startswith("--"):
            key = js(name)
        else:
            camel = re.sub(r"-([a-z])", lambda m: m.group(1).upper(), name.lower())
            key = "ms" + camel[2:] if camel.startswith("Ms") else camel
            key = key if re.fullmatch(r"[A-Za-z]\w*", key) else js(key)
        entries.append(f"{key}: {js(value)}")
    return "{{ " + ", ".join(entries) + " }}"


def split_declarations(text: str) -> list[str]:
    """Split on `;` outside quotes and parentheses (a `url(a;b)` stays whole)."""
    parts, current, depth, quote = [], "", 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def attribute(tag: str, name: str, value: str | None) -> str | None:
    """One attribute in JSX, or None when it must not (or cannot) be carried over."""
    if name.startswith("on") or (value is not None and name in URL_ATTRIBUTES and code_url(value)):
        return None  # markup never runs code in the converted page
    if name == "style":
        return f"style={style_object(value or '')}"
    if tag in ("input", "textarea", "select") and name in ("value", "checked"):
        # Uncontrolled, as in the static page: React owns `value`/`checked` otherwise.
        name = "defaultValue" if name == "value" else "defaultChecked"
    elif name == "selected" and tag == "option":
        return None  # the <select>'s defaultValue says it (see element())
    elif name in ATTRIBUTES:
        name = ATTRIBUTES[name]
    elif name.startswith(("xlink:", "xml:", "xmlns:")):
        prefix, _, rest = name.partition(":")
        name = prefix + rest[:1].upper() + rest[1:]
    elif HYPHENATED_SVG.match(name):
        name = re.sub(r"-([a-z])", lambda m: m.group(1).upper(), name)
    if not re.fullmatch(r"[A-Za-z_][\w-]*", name):
        return None  # not a name JSX can spell
    if value is None:
        return name
    if re.fullmatch(r"[^\"&{}<>\\\n]*", value):
        return f'{name}="{value}"'
    return f"{name}={{{js(value)}}}"


# --- elements ----------------------------------------------------------------------------------


def selected_value(select: Node) -> str | None:
    for option in walk(select, "option"):
        if any(k == "selected" for k, _ in option.attrs):
            value = option.attr("value")
            return value or " ".join(text_of(option).split())
    return None


def walk(node: Node, tag: str):
    for child in node.children:
        if child.tag == tag:
            yield child
        yield from walk(child, tag)


def text_of(node: Node) -> str:
    return node.text if not node.tag else "".join(text_of(c) for c in node.children)


def children_of(node: Node, *, pre: bool = False) -> list[Node]:
    """The children that render: comments never got here; whitespace between blocks goes, as
    it renders nothing; a <table>'s bare rows get the <tbody> the browser would add."""
    kept: list[Node] = []
    items = node.children
    for index, child in enumerate(items):
        if child.tag in ("script", "style", "noscript", "link", "meta", "title", "base"):
            continue
        if not child.tag and not pre and not child.text.strip():
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            if before is None or after is None or before.tag in BLOCK or after.tag in BLOCK:
                continue
        kept.append(child)
    if node.tag == "table":
        grouped: list[Node] = []
        body: Node | None = None
        for child in kept:
            if child.tag == "tr":
                if body is None:
                    body = Node("tbody")
                    grouped.append(body)
                body.children.append(child)
            else:
                body = None
                grouped.append(child)
        kept = grouped
    return kept


def text_jsx(text: str, *, pre: bool) -> str:
    if not pre:
        text = re.sub(r"\s+", " ", text)
    if re.fullmatch(r"[^{}<>&\s](?:[^{}<>&\n]*[^{}<>&\s])?", text):
        return text
    return "{" + js(text) + "}"


def element(node: Node, indent: int = 0, *, pre: bool = False) -> list[str]:
    """The node as JSX lines (a text node is one line)."""
    pad = "  " * indent
    if not node.tag:
        return [pad + text_jsx(node.text, pre=pre)]
    if node.tag == "template":
        raise Unconvertible("it uses <template>, whose content React cannot fill the same way")
    if node.tag in ("frameset", "frame"):
        raise Unconvertible("it is a frameset page")
    attrs = [a for k, v in node.attrs if (a := attribute(node.tag, k, v)) is not None]
    if node.tag == "select" and (chosen := selected_value(node)) is not None:
        attrs.append(f"defaultValue={{{js(chosen)}}}")
    inner_pre = pre or node.tag in ("pre", "textarea")
    children = children_of(node, pre=inner_pre)
    if node.tag == "textarea" and children:
        attrs.append(f"defaultValue={{{js(text_of(node))}}}")
        children = []
    opening = "<" + " ".join([node.tag, *attrs])
    if node.tag in VOID or not children:
        return [pad + opening + " />"]
    if inner_pre:
        # Whitespace is content here: one line, every text child a literal.
        body = "".join(" ".join(element(c, 0, pre=True)).strip() for c in children)
        return [f"{pad}{opening}>{body}</{node.tag}>"]
    if len(children) == 1 and not children[0].tag:
        return [f"{pad}{opening}>{text_jsx(children[0].text, pre=False)}</{node.tag}>"]
    lines = [pad + opening + ">"]
    for child in children:
        lines += element(child, indent + 1)
    return [*lines, f"{pad}</{node.tag}>"]


def wrapper(node: Node, inner: list[str], indent: int, *, keep_id: bool) -> list[str]:
    """`node`'s own tag and attributes around some of its children (a split's piece)."""
    shell = Node(node.tag, [(k, v) for k, v in node.attrs if keep_id or k != "id"])
    opening = element(shell, indent)[0].removesuffix(" />")
    return [opening + ">", *inner, "  " * indent + f"</{node.tag}>"]
