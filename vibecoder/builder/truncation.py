"""Is this JSX component cut off? A real scan: strings, templates, comments, regex, JSX text.

Counting brackets in raw text misfires on JSX: in `<p>Don't panic</p>` the apostrophe is text,
not a string; `a < b` is not a tag; `/` may be division or a regex. The scanner keeps a stack of
contexts (code, JSX tag, JSX children) and reports the first reason the text is unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REGEX_PREFIX_WORDS = {
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
}
EXPRESSION_START_CHARS = set("(,=:[!&|?{};+-*%~^")
JSX_AFTER_WORDS = {"return", "case", "default", "yield", "await", "else", "do"}
CLOSERS = {")": "(", "]": "[", "}": "{"}


@dataclass
class _Frame:
    kind: str  # "code" | "tag" | "children"
    closer: str | None = None  # for code inside `${` or `{` of JSX: the "}" that ends it
    brackets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScanResult:
    complete: bool
    reason: str = ""  # why it looks truncated
    position: int = -1


def _prev_allows_expression(text: str, index: int) -> bool:
    """True when what precedes `index` means an expression may start (regex or JSX)."""
    j = index - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    if j < 0:
        return True
    char = text[j]
    if char == ">" and j > 0 and text[j - 1] == "=":
        return True  # arrow function body
    if char in EXPRESSION_START_CHARS:
        return True
    if char.isalnum() or char in "_$":
        k = j
        while k >= 0 and (text[k].isalnum() or text[k] in "_$"):
            k -= 1
        return text[k + 1 : j + 1] in REGEX_PREFIX_WORDS | JSX_AFTER_WORDS
    return False


def scan(text: str) -> ScanResult:
    stack: list[_Frame] = [_Frame("code")]
    i, n = 0, len(text)
    while i < n:
        frame = stack[-1]
        char = text[i]
        if frame.kind == "code":
            nxt = text[i + 1] if i + 1 < n else ""
            if char in "\"'":
                end = _skip_string(text, i, char)
                if end < 0:
                    return ScanResult(False, "unterminated string", i)
                i = end
                continue
            if char == "`":
                result = _skip_template(text, i)
                if isinstance(result, ScanResult):
                    return result
                i = result
                continue
            if char == "/" and nxt == "/":
                newline = text.find("\n", i)
                i = n if newline < 0 else newline
                continue
            if char == "/" and nxt == "*":
                end = text.find("*/", i + 2)
                if end < 0:
                    return ScanResult(False, "unterminated comment", i)
                i = end + 2
                continue
            if char == "/" and _prev_allows_expression(text, i):
                end = _skip_regex(text, i)
                if end < 0:
                    return ScanResult(False, "unterminated regular expression", i)
                i = end
                continue
            if char == "<" and (nxt.isalpha() or nxt == ">") and _prev_allows_expression(text, i):
                stack.append(_Frame("tag"))
                i = _skip_tag_name(text, i + 1)
                continue
            if char in "([{":
                frame.brackets.append(char)
            elif char in ")]}":
                if not frame.brackets:
                    if frame.closer == char:
                        stack.pop()
                        i += 1
                        continue
                    return ScanResult(False, f"unbalanced '{char}'", i)
                if frame.brackets[-1] != CLOSERS[char]:
                    return ScanResult(False, f"mismatched '{char}'", i)
                frame.brackets.pop()
            i += 1
        elif frame.kind == "tag":
            if char in "\"'":
                end = text.find(char, i + 1)
                if end < 0:
                    return ScanResult(False, "unterminated attribute string", i)
                i = end + 1
            elif char == "{":
                stack.append(_Frame("code", closer="}"))
                i += 1
            elif char == "/" and text.startswith("/>", i):
                stack.pop()  # self-closing: back to the code or children around it
                i += 2
            elif char == ">":
                stack[-1] = _Frame("children")
                i += 1
            else:
                i += 1
        else:  # JSX children: text until a tag, an expression or the closing tag
            if char == "{":
                stack.append(_Frame("code", closer="}"))
                i += 1
            elif char == "<" and text.startswith("</", i):
                end = text.find(">", i)
                if end < 0:
                    return ScanResult(False, "unterminated closing tag", i)
                stack.pop()
                i = end + 1
            elif char == "<" and i + 1 < n and (text[i + 1].isalpha() or text[i + 1] == ">"):
                stack.append(_Frame("tag"))
                i = _skip_tag_name(text, i + 1)
            else:
                i += 1
    if len(stack) > 1:
        kinds = {"tag": "open JSX tag", "children": "unclosed JSX element", "code": "open '{'"}
        return ScanResult(False, kinds[stack[-1].kind], n)
    if stack[0].brackets:
        return ScanResult(False, f"unclosed '{stack[0].brackets[-1]}'", n)
    return ScanResult(True)


def _skip_string(text: str, start: int, quote: str) -> int:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        if text[i] == "\n":
            return -1
        i += 1
    return -1


def _skip_template(text: str, start: int) -> int | ScanResult:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "`":
            return i + 1
        if text.startswith("${", i):
            inner = _template_expression_end(text, i + 2)
            if isinstance(inner, ScanResult):
                return inner
            i = inner
            continue
        i += 1
    return ScanResult(False, "unterminated template literal", start)


def _template_expression_end(text: str, start: int) -> int | ScanResult:
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char in "\"'":
            end = _skip_string(text, i, char)
            if end < 0:
                return ScanResult(False, "unterminated string", i)
            i = end
            continue
        if char == "`":
            after = _skip_template(text, i)
            if isinstance(after, ScanResult):
                return after
            i = after
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return ScanResult(False, "unterminated template expression", start)


def _skip_regex(text: str, start: int) -> int:
    i, in_class = start + 1, False
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "\n":
            return -1
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            i += 1
            while i < len(text) and text[i].isalpha():
                i += 1
            return i
        i += 1
    return -1


def _skip_tag_name(text: str, i: int) -> int:
    while i < len(text) and (text[i].isalnum() or text[i] in ".:-_$"):
        i += 1
    return i


def is_truncated(code: str, *, finish_reason: str | None = None, has_sentinel: bool = True) -> str:
    """The reason a model's answer is cut off, or "" when it looks whole."""
    if finish_reason == "length":
        return "the model hit its output limit"
    if not has_sentinel:
        return "the completion sentinel is missing"
    result = scan(code)
    return "" if result.complete else result.reason
