"""MODIFY: which components a change request touches, adds or removes.

The model names them (a JSON change plan, checked against the project: a name the project does
not have is dropped, an added name must be new and PascalCase); when its answer is unusable,
the names and section keywords in the message decide, and only when nothing at all is named
does the change go to every component. Untouched components are never regenerated.

A component whose code starts with KEEP_MARKER (a static page's styles and scripts, see
builder/service/static_page.py) is the page's look and behaviour, not a section: it is left
out of the change unless the request names it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from vibecoder.builder import prompts
from vibecoder.builder.intent import json_object
from vibecoder.builder.llm import Completion, Request
from vibecoder.builder.planning import (
    PASCAL,
    RESERVED,
    PlanItem,
    pascal_case,
    sections_named_in,
)
from vibecoder.builder.steps import interface_of

Ask = Callable[[Request], Completion]
KEEP_MARKER = "// Kept as it is by a change that does not name it."


@dataclass
class ChangePlan:
    touch: list[PlanItem] = field(default_factory=list)
    add: list[tuple[PlanItem, str | None]] = field(default_factory=list)  # (item, after)
    remove: list[str] = field(default_factory=list)
    source: str = "model"  # "model" | "keywords" | "everything"

    @property
    def needs_approval(self) -> bool:
        """Adding or removing a component changes the page's plan; the user approves that."""
        return bool(self.add or self.remove)

    def order(self, current: list[str]) -> list[str]:
        """The page order after the change: kept, minus removals, additions after their anchor."""
        order = [n for n in current if n not in self.remove]
        for item, after in self.add:
            if after in order:
                order.insert(order.index(after) + 1, item.name)
            elif "Footer" in order:
                order.insert(order.index("Footer"), item.name)
            else:
                order.append(item.name)
        return order


def changeable(message: str, order: list[str], components: dict[str, str]) -> list[str]:
    """The components a change may touch: all but the kept ones the message does not name."""
    named = set(named_components(message, order))
    return [n for n in order if n in named or not components.get(n, "").startswith(KEEP_MARKER)]


def change_plan(
    ask: Ask, message: str, *, order: list[str], components: dict[str, str]
) -> ChangePlan:
    order = changeable(message, order, components)
    interfaces = {n: interface_of(components[n], n) for n in order if n in components}
    completion = ask(prompts.change_request(message, order=order, interfaces=interfaces))
    try:
        plan = parse_change(completion.text, message, order)
    except (ValueError, KeyError, TypeError):
        plan = None
    if plan is None or not (plan.touch or plan.add or plan.remove):
        return keyword_change(message, order)
    return plan


def parse_change(text: str, message: str, order: list[str]) -> ChangePlan:
    data = json.loads(json_object(text))
    known = {n.lower(): n for n in order}
    why = f"Apply the change: {message[:150]}"
    plan = ChangePlan()
    for entry in data.get("change") or []:
        name = entry.get("name") if isinstance(entry, dict) else entry
        name = known.get(str(name).lower())
        if name and name not in [i.name for i in plan.touch]:
            what = entry.get("what") if isinstance(entry, dict) else None
            same = not what or str(what).strip().lower() in message.lower()
            line = why if same else f"{why} ({str(what)[:120]})"
            plan.touch.append(PlanItem(name, line.replace("\n", " ")[:200]))
    for entry in data.get("remove") or []:
        name = known.get(str(entry.get("name") if isinstance(entry, dict) else entry).lower())
        if name and name not in plan.remove:
            plan.remove.append(name)
    for entry in data.get("add") or []:
        if not isinstance(entry, dict):
            continue
        name = pascal_case(str(entry.get("name", "")))
        purpose = str(entry.get("purpose") or "").strip().replace("\n", " ")[:200]
        if not PASCAL.match(name) or name in RESERVED or name.lower() in known or not purpose:
            continue
        after = known.get(str(entry.get("after") or "").lower())
        plan.add.append((PlanItem(name, purpose), after))
    plan.touch = sorted(
        (i for i in plan.touch if i.name not in plan.remove), key=lambda i: order.index(i.name)
    )
    return plan


def named_components(message: str, order: list[str]) -> list[str]:
    """The project's components a message names, by name or section keyword, in page order."""
    lowered = message.lower()
    named = {n for n in order if re.search(rf"\b{re.escape(n.lower())}\b", lowered)}
    named |= {n for n in sections_named_in(message) if n in order}
    return [n for n in order if n in named]


def keyword_change(message: str, order: list[str]) -> ChangePlan:
    """The fallback: components the message names, by name or section keyword, else all."""
    chosen = named_components(message, order)
    why = f"Apply the change: {message[:150]}"
    if chosen:
        return ChangePlan(touch=[PlanItem(n, why) for n in chosen], source="keywords")
    return ChangePlan(touch=[PlanItem(n, why) for n in order], source="everything")
