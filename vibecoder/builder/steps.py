"""The step executor: one component per model call, truncation recovery, standalone checks.

`run_step` streams one answer through the marker parser (events go to `emit` as they happen),
decides whether it was cut off, asks for at most MAX_CONTINUATIONS continuations (our own
counter, not the model's), stitches them, and checks the component on its own. It returns the
component code or a clear failure; it never raises for model misbehaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from vibecoder.builder import prompts
from vibecoder.builder.ghost import stitch, tail_of
from vibecoder.builder.llm import (
    FINISH_CANCELLED,
    FINISH_ERROR,
    FINISH_LENGTH,
    FINISH_STOP,
    Completion,
    Request,
    Usage,
)
from vibecoder.builder.markers import MarkerParser, parse_all
from vibecoder.builder.truncation import scan

MAX_CONTINUATIONS = 3
IMPORT = re.compile(r"""^\s*import\s+(?:[\s\S]*?\s+from\s+)?["']([^"']+)["']""", re.MULTILINE)
DEFAULT_EXPORT = re.compile(r"^\s*export\s+default\s+", re.MULTILINE)
SIGNATURE = re.compile(r"export\s+default\s+function\s+(\w+)\s*\(([^)]*)\)", re.DOTALL)

# Stream is called with a request and a per-chunk callback; returns the whole completion.
Stream = Callable[[Request, Callable[[str], bool | None]], Completion]
Emit = Callable[[str, dict], None]


class StepCancelled(Exception):
    pass


@dataclass
class StepOutcome:
    name: str
    ok: bool
    code: str = ""
    error: str = ""
    continuations: int = 0
    truncations: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    recovery_usage: Usage = field(default_factory=Usage)
    raw: str = ""


SENTINEL_MISSING = "the completion sentinel is missing"
UNPROVEN = "the continuation could not be stitched without repeating text"
FENCE = re.compile(r"^\s*```[\w+-]*\s*$")


def _open_body(parser) -> str | None:
    """The code of a component left open (no END marker), up to a closing fence if any."""
    if parser.open_component is None:
        return None
    lines, seen_code = [], False
    for line in parser.partial_component.split("\n"):
        if FENCE.match(line):
            if seen_code:
                break  # the fence closes the code; what follows is chatter
            continue
        seen_code = seen_code or bool(line.strip())
        lines.append(line)
    body = "\n".join(lines).strip("\n")
    return body + "\n" if body else None


def _unmarked_code(raw: str) -> str | None:
    """A component the model wrote without any markers: the fenced block, or the bare code."""
    fenced = re.search(r"```[\w+-]*[ \t]*\n([\s\S]*?)\n[ \t]*```", raw)
    code = fenced.group(1) if fenced else raw
    start = re.search(r"^(?:import|export|const|function)\b", code, re.MULTILINE)
    if start is None or not DEFAULT_EXPORT.search(code):
        return None
    return code[start.start() :].strip("\n") + "\n"


def _whole(code: str | None) -> bool:
    return code is not None and scan(code).complete and bool(DEFAULT_EXPORT.search(code))


def truncation_reason(raw: str, finish_reason: str, name: str) -> str:
    """Why this answer is cut off, or "" when the component is whole.

    A model that stopped on its own (finish reason `stop`) with whole, parseable code is done
    even when it forgot the END marker or the sentinel: asking it for "the rest" costs a call
    and invites a duplicate. Without that finish reason the sentinel is the model's word that
    it finished; a closed component whose code scans complete is accepted even when the finish
    reason says `length`, as long as the sentinel is there: the cut fell after the part we need.
    """
    parser = parse_all(raw)
    stopped = finish_reason == FINISH_STOP
    code = parser.components.get(name) or (
        parser.components[parser.order[0]] if len(parser.order) == 1 else None
    )
    if code is not None:
        result = scan(code)
        if not result.complete:
            if parser.open_component is None and parser.complete:
                return ""  # closed and finished, but broken: a FIX problem, not a truncation
            return f"component code is cut: {result.reason}"
        if not parser.complete and not stopped:
            return SENTINEL_MISSING
        return ""
    if parser.open_component is not None:
        if stopped and _whole(_open_body(parser)):
            return ""
        return "the component's END marker is missing (open marker)"
    if finish_reason == FINISH_LENGTH:
        return "the model hit its output limit before the component"
    if finish_reason == FINISH_ERROR:
        return "the stream broke before the component"
    if stopped and _whole(_unmarked_code(raw)):
        return ""
    if not parser.complete:
        return SENTINEL_MISSING
    return "no component in the answer"


def extract(raw: str, name: str) -> str | None:
    parser = parse_all(raw)
    if name in parser.components:
        return parser.components[name]
    if len(parser.order) == 1:
        return parser.components[parser.order[0]]
    if parser.order:
        return None
    body = _open_body(parser)
    if body is not None:
        return body
    return _unmarked_code(raw)


def check_component(code: str, name: str, known: list[str] | None = None) -> str:
    """Standalone checks before any bundling; "" when fine, else the problem in one line."""
    result = scan(code)
    if not result.complete:
        return f"syntax: {result.reason} at character {result.position}"
    lines = code.rstrip("\n").count("\n") + 1
    if lines > prompts.MAX_COMPONENT_LINES:
        return f"{lines} lines; at most {prompts.MAX_COMPONENT_LINES} per component"
    if not DEFAULT_EXPORT.search(code):
        return "no default export"
    for module in IMPORT.findall(code):
        root = module.split("/")[0] if not module.startswith("@") else module
        if module.startswith("."):
            return f"imports {module!r}: components may not import files; App composes them"
        if root not in prompts.ALLOWED_IMPORTS:
            return f"missing module {module!r}: only {', '.join(prompts.ALLOWED_IMPORTS)} exist"
    return ""


def interface_of(code: str, name: str) -> str:
    """`Name({ a, b })` — what later steps are told about an earlier component's props."""
    match = SIGNATURE.search(code)
    if not match:
        return f"{name}()"
    params = match.group(2).strip()
    if not (params.startswith("{") and params.endswith("}")):
        return f"{name}({params})" if params else f"{name}()"
    props, depth, current, quote = [], 0, "", ""
    for char in params[1:-1] + ",":
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0 and not quote:
            key = re.match(r"\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)", current)
            if key:
                props.append(key.group(1))
            current = ""
        else:
            current += char
    return f"{name}({{ {', '.join(props)} }})" if props else f"{name}()"


def run_step(
    stream: Stream,
    request: Request,
    *,
    prompt: str,
    name: str,
    plan_names: list[str],
    emit: Emit,
    should_stop: Callable[[], bool] = lambda: False,
) -> StepOutcome:
    outcome = StepOutcome(name=name, ok=False)
    parser = MarkerParser()

    def on_chunk(text: str) -> bool:
        emit("token", {"component": name, "text": text})
        for event in parser.feed(text):
            if event.kind == "component_closed":
                emit("component_closed", {"component": event.name, "lines": event.text.count("\n")})
        return not should_stop()

    completion = stream(request, on_chunk)
    outcome.usage.add(completion.usage)
    if completion.finish_reason == FINISH_CANCELLED:
        raise StepCancelled(name)
    raw = completion.text
    finish = completion.finish_reason
    unproven = False
    while True:
        reason = UNPROVEN if unproven else truncation_reason(raw, finish, name)
        if not reason:
            break
        outcome.truncations.append(reason)
        emit("truncation", {"component": name, "reason": reason, "finish_reason": finish})
        if outcome.continuations >= MAX_CONTINUATIONS:
            if reason == SENTINEL_MISSING and _whole(extract(raw, name)):
                break  # the model never says it finished, but its component is closed and whole
            outcome.raw = raw
            outcome.error = (
                f"{name} was still incomplete after {MAX_CONTINUATIONS} continuations ({reason})"
            )
            return outcome
        outcome.continuations += 1
        emit("continuation", {"component": name, "attempt": outcome.continuations})
        follow = prompts.continue_request(
            prompt,
            name=name,
            tail=tail_of(raw),
            plan_names=plan_names,
            max_tokens=request.max_tokens,
        )
        parser = MarkerParser()  # events of the stitched answer come from the final parse
        more = stream(follow, lambda text: not should_stop())
        outcome.usage.add(more.usage)
        outcome.recovery_usage.add(more.usage)
        if more.finish_reason == FINISH_CANCELLED:
            raise StepCancelled(name)
        stitched, how = stitch(raw, more.text)
        if how == "unproven":
            # The continuation repeats text we cannot line up with the cut: ask again rather
            # than ship it twice; the reason is recorded so the step fails visibly at the cap.
            emit("continuation", {"component": name, "unproven": True})
            unproven = True
            continue
        if how == "restart":
            emit("continuation", {"component": name, "restarted": True})
        raw, finish, unproven = stitched, more.finish_reason, False
    outcome.raw = raw
    code = extract(raw, name)
    if code is None:
        outcome.error = f"no {name} component in the answer"
        return outcome
    outcome.code = code
    problem = check_component(code, name)
    if problem:
        outcome.error = problem
        return outcome
    outcome.ok = True
    return outcome
