"""Complexity and the plan: which sections a request names, Architect mode, the JSON plan."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from vibecoder.builder import prompts
from vibecoder.builder.intent import json_object
from vibecoder.builder.llm import Completion, Request
from vibecoder.builder.schemas import PlanAnswer

PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]{1,47}$")
RESERVED = {"App", "React", "Fragment", "Component", "Index", "Main", "Root"}
MAX_PLAN_COMPONENTS = 12
ARCHITECT_WORDS = re.compile(
    r"\b(full[- ]page|full site|complete|entire|whole (?:page|site)|landing page|storefront|"
    r"website|multi[- ]section|homepage|home page)\b",
    re.IGNORECASE,
)
SECTION_WORDS = (
    "navbar",
    "nav",
    "header",
    "hero",
    "product",
    "products",
    "features",
    "testimonials",
    "reviews",
    "pricing",
    "faq",
    "contact",
    "gallery",
    "footer",
    "about",
    "team",
    "newsletter",
    "blog",
    "cart",
)
# The words that name a page section, by the component that usually implements it, in page
# order. MODIFY falls back to them to find the components a change is about, and a one-section
# BUILD names its component after them; the offline model plans and writes from the same table.
SECTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Navbar": ("navbar", "nav", "navigation", "header"),
    "Hero": ("hero", "headline", "banner", "landing"),
    "Services": ("services", "service", "repairs", "treatments"),
    "Menu": ("menu", "dishes", "food menu"),
    "ProductGrid": (
        "product",
        "products",
        "grid",
        "shop",
        "store",
        "storefront",
        "catalog",
        "catalogue",
        "menu items",
    ),
    "Features": ("features", "feature", "benefits", "why"),
    "Gallery": ("gallery", "photos", "portfolio", "images", "lookbook"),
    "Team": ("team", "staff", "mechanics", "stylists", "chefs"),
    "Testimonials": ("testimonials", "testimonial", "reviews", "quotes"),
    "Pricing": ("pricing", "plans", "subscription", "tiers", "prices"),
    "FAQ": ("faq", "faqs", "questions"),
    "Booking": (
        "booking",
        "bookings",
        "appointment",
        "appointments",
        "reservation",
        "reservations",
    ),
    "Location": ("location", "hours", "opening hours", "address", "find us"),
    "Contact": ("contact", "form", "email us", "get in touch"),
    "Footer": ("footer",),
}

Ask = Callable[[Request], Completion]


class PlanError(Exception):
    pass


def sections_named_in(prompt: str) -> list[str]:
    """Section names mentioned in the prompt, in page order."""
    lowered = prompt.lower()
    return [
        name
        for name, keywords in SECTION_KEYWORDS.items()
        if any(re.search(rf"\b{re.escape(k)}\b", lowered) for k in keywords)
    ]


def needs_architect(prompt: str) -> tuple[bool, str]:
    """The seed's rule: full page/complete/entire…, three or more sections named, > 35 words."""
    if ARCHITECT_WORDS.search(prompt):
        return True, "asks for a full page"
    lowered = prompt.lower()
    named = {w for w in SECTION_WORDS if re.search(rf"\b{w}\b", lowered)}
    if len(named) >= 3:
        return True, f"names {len(named)} sections"
    if len(prompt.split()) > 35:
        return True, "long request"
    return False, ""


@dataclass(frozen=True)
class PlanItem:
    name: str
    purpose: str

    def as_dict(self) -> dict:
        return {"name": self.name, "purpose": self.purpose}


def validate_plan(data: object) -> list[PlanItem]:
    """Raise PlanError with a message the model can act on."""
    if isinstance(data, list):
        data = {"components": data}
    if not isinstance(data, dict) or not isinstance(data.get("components"), list):
        raise PlanError('expected {"components": [{"name": ..., "purpose": ...}]}')
    items = data["components"]
    if not 1 <= len(items) <= MAX_PLAN_COMPONENTS:
        raise PlanError(f"between 1 and {MAX_PLAN_COMPONENTS} components, got {len(items)}")
    plan: list[PlanItem] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise PlanError(f"component {index + 1} is not an object")
        name, purpose = item.get("name"), item.get("purpose")
        if not isinstance(name, str) or not PASCAL.match(name):
            raise PlanError(f"component {index + 1}: name {name!r} is not PascalCase")
        if name in RESERVED:
            raise PlanError(f"component {index + 1}: {name} is reserved (the app root is built)")
        if name in seen:
            raise PlanError(f"component {name} appears twice")
        if not isinstance(purpose, str) or not purpose.strip():
            raise PlanError(f"component {name}: purpose must be a non-empty line")
        purpose = purpose.strip()
        if "\n" in purpose or len(purpose) > 200:
            raise PlanError(f"component {name}: purpose must be one line under 200 characters")
        seen.add(name)
        plan.append(PlanItem(name, purpose))
    return plan


def pascal_case(name: str) -> str:
    """`hero section`, `hero-section`, `heroSection` → `HeroSection`; PascalCase stays."""
    if PASCAL.match(name):
        return name
    words = re.findall(r"[A-Za-z0-9]+", name)
    return "".join(w[:1].upper() + w[1:] for w in words)


def normalise_plan(data: object) -> object:
    """Mend what real models get wrong in a plan, so it need not be asked for again.

    Names in another case or with spaces become PascalCase, an `App` (or other reserved)
    entry goes (the app root is assembled for the model), a component listed twice keeps its
    first entry. Anything else is left for `validate_plan` to reject with a clear message.
    """
    if isinstance(data, list):
        data = {"components": data}
    if not isinstance(data, dict) or not isinstance(data.get("components"), list):
        return data
    mended: list[object] = []
    seen: set[str] = set()
    for item in data["components"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            mended.append(item)
            continue
        name = pascal_case(item["name"].strip())
        if name in RESERVED or name in seen:
            continue
        seen.add(name)
        mended.append({**item, "name": name})
    return {"components": mended}


def parse_plan(text: str) -> list[PlanItem]:
    """A model's plan answer: JSON (fences and chatter around it tolerated), mended, checked."""
    try:
        data = json.loads(json_object(text))
    except ValueError as exc:
        raise PlanError(f"not valid JSON ({exc})") from None
    data = normalise_plan(data)
    try:
        entries = data["components"] if isinstance(data, dict) else None
        answer = PlanAnswer.model_validate(
            {
                "components": [
                    {"name": e.get("name"), "purpose": e.get("purpose")}
                    if isinstance(e, dict)
                    else e
                    for e in (entries if isinstance(entries, list) else [])
                ]
            }
            if isinstance(entries, list)
            else data
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        shape = '{"components": [{"name": ..., "purpose": ...}]}'
        raise PlanError(f"expected {shape} ({where}: {first['msg']})") from None
    return validate_plan(answer.model_dump())


@dataclass
class PlanResult:
    items: list[PlanItem]
    attempts: int
    completions: list[Completion]
    errors: list[str]


def make_plan(ask: Ask, prompt: str) -> PlanResult:
    """Ask for a plan; an invalid one is asked for again once, with the error."""
    first = ask(prompts.plan_request(prompt))
    try:
        return PlanResult(parse_plan(first.text), 1, [first], [])
    except PlanError as exc:
        error = str(exc)
    second = ask(prompts.plan_request(prompt, error=error, previous=first.text))
    try:
        return PlanResult(parse_plan(second.text), 2, [first, second], [error])
    except PlanError as exc:
        raise PlanError(f"the model gave no valid plan twice: {exc}") from None
