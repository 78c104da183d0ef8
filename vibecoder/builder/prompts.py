"""The words the builder sends to a model, one builder per protocol phase.

Every user message carries labelled lines (`Project request:`, `Component:` …) so a model, and
the offline scripted model, can find what it needs without guessing.
"""

from __future__ import annotations

import re

from vibecoder.builder.llm.base import Message, Request

ALLOWED_IMPORTS = ("react", "react-dom", "framer-motion", "lucide-react")
MAX_COMPONENT_LINES = 150
CUT_OPEN, CUT_CLOSE = "<<<CUT", "CUT>>>"
CODE_OPEN, CODE_CLOSE = "<<<CODE", "CODE>>>"

INTENT_SYSTEM = """You classify a message sent to a website builder. Answer with one JSON object and
nothing else: {"intent": "BUILD|MODIFY|QUESTION|FIX|REFUSE", "reason": "<short>"}.
BUILD: create a new page or site. MODIFY: change an existing project. QUESTION: asks something,
wants no code. FIX: reports something broken. REFUSE: malware, credential phishing (fake login
pages of real brands), impersonation of a real company or person, or other harmful pages."""

PLAN_SYSTEM = """You are the architect of a React 18 + Tailwind CSS page (framer-motion and
lucide-react are available). Split the request into ordered components, top of page first.
Answer with one JSON object and nothing else:
{"components": [{"name": "PascalCaseName", "purpose": "one line"}]}
Between 2 and 12 components, unique PascalCase names, each purpose a single line under 160
characters. Do not include an App component: the app root is assembled for you."""

STEP_SYSTEM = f"""You write exactly one React 18 component per answer, in JSX, styled with Tailwind
CSS classes. You may import only from: {", ".join(ALLOWED_IMPORTS)}. No other files exist: never
import earlier components; the app root composes them. The component has a default export, takes
props with sensible defaults, and is at most {MAX_COMPONENT_LINES} lines. Wrap it like this and
end your whole answer with the sentinel line:

/// COMPONENT_START: Name ///
...code...
/// COMPONENT_END ///
// --- VIBECODER_COMPLETE ---"""

CONTINUE_SYSTEM = """Your previous answer was cut off. Continue it exactly from the cut: no
preamble, no repetition of text already written, no restart. Keep the same markers and finish
with `/// COMPONENT_END ///` and `// --- VIBECODER_COMPLETE ---`."""

FIX_SYSTEM = (
    STEP_SYSTEM
    + """

The component below failed its test render. Return the whole corrected component, same name,
same props, wrapped in the same markers."""
)

ANSWER_SYSTEM = """You answer questions about a React + Tailwind website project in a few
sentences, from the code you are shown: name the sections, props, prices and copy it really
renders. Do not write code unless asked."""

CHANGE_SYSTEM = """You plan a change to an existing React + Tailwind page made of components.
Name only the components the request is about; every other component stays exactly as it is.
Answer with one JSON object and nothing else:
{"change": [{"name": "ExistingName", "what": "one line"}],
 "add": [{"name": "NewPascalCaseName", "purpose": "one line", "after": "ExistingName"}],
 "remove": ["ExistingName"]}
Use empty lists for what the request does not ask for."""


def intent_request(message: str, *, has_project: bool) -> Request:
    body = f"Project exists: {'yes' if has_project else 'no'}\nMessage: {message}"
    return Request(
        INTENT_SYSTEM, (Message("user", body),), max_tokens=200, purpose="intent", json_only=True
    )


def plan_request(prompt: str, *, error: str | None = None, previous: str | None = None) -> Request:
    messages = [Message("user", f"Project request: {prompt}")]
    if error is not None:
        messages.append(Message("assistant", previous or ""))
        messages.append(
            Message(
                "user",
                f"Project request: {prompt}\nThat plan is invalid: {error}\n"
                "Answer again with only the corrected JSON object.",
            )
        )
    return Request(PLAN_SYSTEM, tuple(messages), max_tokens=1500, purpose="plan", json_only=True)


def step_request(
    prompt: str,
    *,
    name: str,
    purpose: str,
    plan_names: list[str],
    interfaces: dict[str, str],
    current_code: str | None = None,
    max_tokens: int = 4096,
) -> Request:
    lines = [f"Project request: {prompt}", f"Plan: {', '.join(plan_names)}"]
    if interfaces:
        lines.append("Earlier components (already written; do not import them):")
        lines += [f"- {n}: {sig}" for n, sig in interfaces.items()]
    if current_code is not None:
        lines += ["Current code of this component:", current_code.rstrip()]
    lines += [f"Write the component: {name}", f"Purpose: {purpose}"]
    return Request(STEP_SYSTEM, (Message("user", "\n".join(lines)),), max_tokens, purpose="step")


def continue_request(
    prompt: str, *, name: str, tail: str, plan_names: list[str], max_tokens: int = 4096
) -> Request:
    body = "\n".join(
        [
            f"Project request: {prompt}",
            f"Plan: {', '.join(plan_names)}",
            f"Component: {name}",
            "Your previous answer was cut off. It ended with exactly:",
            CUT_OPEN,
            tail,
            CUT_CLOSE,
            "Continue from the very next character.",
        ]
    )
    return Request(CONTINUE_SYSTEM, (Message("user", body),), max_tokens, purpose="continue")


def fix_request(
    prompt: str,
    *,
    name: str,
    code: str,
    error: str,
    plan_names: list[str],
    max_tokens: int = 4096,
) -> Request:
    body = "\n".join(
        [
            f"Project request: {prompt}",
            f"Plan: {', '.join(plan_names)}",
            f"Component: {name}",
            f"Error: {error}",
            "Code:",
            code.rstrip(),
            f"Write the component: {name}",
        ]
    )
    return Request(FIX_SYSTEM, (Message("user", body),), max_tokens, purpose="fix")


def change_request(message: str, *, order: list[str], interfaces: dict[str, str]) -> Request:
    lines = [f"Components: {', '.join(order)}", "Interfaces (page order):"]
    lines += [f"- {interfaces.get(n, n + '()')}" for n in order]
    lines.append(f"Change request: {message}")
    return Request(
        CHANGE_SYSTEM,
        (Message("user", "\n".join(lines)),),
        max_tokens=600,
        purpose="change",
        json_only=True,
    )


ANSWER_CODE_BUDGET = 24_000  # characters of component code an answer request may carry


def answer_request(
    question: str, *, components: list[str], code: dict[str, str] | None = None
) -> Request:
    """The question, the component list, and the code of the components it is about."""
    lines = [f"Components: {', '.join(components) or 'none yet'}"]
    budget = ANSWER_CODE_BUDGET
    for name, text in (code or {}).items():
        if len(text) > budget:
            break
        budget -= len(text)
        lines += [f"Code of {name}:", CODE_OPEN, text.rstrip(), CODE_CLOSE]
    lines.append(f"Question: {question}")
    body = "\n".join(lines)
    return Request(ANSWER_SYSTEM, (Message("user", body),), max_tokens=600, purpose="answer")


def quoted_code(text: str) -> dict[str, str]:
    """The components an answer request carries: {name: code}."""
    found = re.finditer(
        rf"^Code of (\w+):\n{re.escape(CODE_OPEN)}\n([\s\S]*?)\n{re.escape(CODE_CLOSE)}$",
        text,
        re.MULTILINE,
    )
    return {m.group(1): m.group(2) + "\n" for m in found}


def field(text: str, label: str) -> str | None:
    """The value of a `Label: value` line in a protocol message."""
    match = re.search(rf"^{re.escape(label)}:[ \t]*(.*)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def cut_tail(text: str) -> str | None:
    start = text.find(CUT_OPEN + "\n")
    end = text.rfind("\n" + CUT_CLOSE)
    if start < 0 or end < start:
        return None
    return text[start + len(CUT_OPEN) + 1 : end]
