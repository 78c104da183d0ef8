"""The offline model's answers that need no template: a question about the project, answered
from the code the request quotes, and a change plan read from the change request's words."""

from __future__ import annotations

import json
import re

from vibecoder.builder import prompts
from vibecoder.builder.llm.scripted.themes import retheme_request
from vibecoder.builder.planning import sections_named_in
from vibecoder.builder.steps import SIGNATURE, interface_of

HEADING = re.compile(r"<h[1-3][^>]*>\s*([^<{]+?)\s*<", re.IGNORECASE)
NAME_FIELD = re.compile(r'"(?:name|title|q|question)"\s*:\s*"([^"]{2,60})"')
PRICE_FIELD = re.compile(r'"(?:name|title)"\s*:\s*"([^"]{1,40})"[^{}]*?"price"\s*:\s*"?([\d.]+)')
SECTION_ID = re.compile(r'<section[^>]*\bid="([^"]+)"')
PROP_DEFAULT = re.compile(r'\b(\w+)\s*=\s*"([^"]{2,80})"')


def _facts(name: str, code: str) -> str:
    parts = [f"{name} takes {interface_of(code, name)}"]
    ids = SECTION_ID.findall(code)
    if ids:
        parts.append(f"it renders the #{ids[0]} section")
    headings = [h for h in HEADING.findall(code) if h.strip()]
    signature = SIGNATURE.search(code)
    defaults = [
        f'{k} "{v}"' for k, v in PROP_DEFAULT.findall(signature.group(2) if signature else "")
    ]
    if headings:
        parts.append("headed " + ", ".join(f'"{h}"' for h in headings[:3]))
    if defaults:
        parts.append("with defaults " + ", ".join(defaults[:3]))
    prices = PRICE_FIELD.findall(code)
    if prices:
        parts.append("priced " + ", ".join(f"{n} at ${p}" for n, p in prices[:6]))
    else:
        items = list(dict.fromkeys(NAME_FIELD.findall(code)))
        if items:
            parts.append("listing " + ", ".join(items[:6]))
    return "; ".join(parts) + "."


def answer_from_code(text: str) -> str:
    """Describe the quoted components: their props, section, headings, items and prices."""
    code = prompts.quoted_code(text)
    components = prompts.field(text, "Components") or "no components yet"
    if not code:
        return f"The project is made of {components}; none of them matches the question."
    lines = [_facts(name, body) for name, body in code.items()]
    lead = f"The page is made of {components}. From the code:"
    return " ".join([lead, *lines])


def change_from_message(text: str) -> dict:
    """A change plan from the words of the request: named components, additions, removals."""
    order = [n.strip() for n in (prompts.field(text, "Components") or "").split(",") if n.strip()]
    message = prompts.field(text, "Change request") or ""
    lowered = message.lower()
    named = [n for n in order if re.search(rf"\b{re.escape(n.lower())}\b", lowered)]
    named += [n for n in sections_named_in(message) if n in order and n not in named]
    plan: dict = {"change": [], "add": [], "remove": []}
    if retheme_request(message):
        # Another business: every section changes (its copy, items and colours).
        plan["change"] = [{"name": n, "what": message[:120]} for n in order]
        return plan
    if re.search(r"\b(remove|delete|drop|get rid of)\b", lowered):
        plan["remove"] = named
        return plan
    if re.search(r"\b(add|insert|include)\b", lowered):
        from vibecoder.builder.llm.scripted.templates import SECTIONS

        new = [n for n in sections_named_in(message) if n not in order and n in SECTIONS]
        plan["add"] = [{"name": n, "purpose": SECTIONS[n].purpose, "after": None} for n in new]
        named = [n for n in named if n not in new]
    plan["change"] = [{"name": n, "what": message[:120]} for n in named]
    return json.loads(json.dumps(plan))
