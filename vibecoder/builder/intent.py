"""Intent: what a message asks of the builder (BUILD / MODIFY / QUESTION / FIX / REFUSE).

The model is asked first; `heuristic_intent` is the fallback when its answer is not valid JSON,
and the guard that a harmful request is refused whatever the model says. The offline scripted
model answers with the same heuristic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from vibecoder.builder import prompts
from vibecoder.builder.llm import Completion, Request
from vibecoder.builder.schemas import IntentAnswer

INTENTS = ("BUILD", "MODIFY", "QUESTION", "FIX", "REFUSE")
REFUSE_WORDS = re.compile(
    r"\b(phishing|malware|ransomware|keylogger|steal(?:s|ing)? (?:passwords|credentials|logins)|"
    r"credential harvest\w*|fake (?:login|bank|paypal|microsoft|google|apple)\w*|"
    r"impersonat\w+|pretend(?:ing)? to be (?:a |the )?(?:bank|paypal|microsoft|google|apple))\b",
    re.IGNORECASE,
)

Ask = Callable[[Request], Completion]


@dataclass(frozen=True)
class Intent:
    kind: str
    reason: str
    source: str  # "model" | "heuristic"


def classify_intent(ask: Ask, message: str, *, has_project: bool) -> Intent:
    """The model answers strict JSON; anything else falls back to the heuristic.

    REFUSE from the heuristic always wins: a model talked into building a phishing page
    still does not get to build it.
    """
    fallback = heuristic_intent(message, has_project=has_project)
    if fallback == "REFUSE":
        return Intent("REFUSE", "the request asks for a harmful page", "heuristic")
    completion = ask(prompts.intent_request(message, has_project=has_project))
    try:
        data = json.loads(json_object(completion.text))
        # Enforced output matches IntentAnswer exactly; a text answer may differ in case or
        # carry extra keys, which do not make it wrong.
        answer = IntentAnswer.model_validate(
            {"intent": str(data["intent"]).upper(), "reason": str(data.get("reason", ""))}
        )
    except (ValueError, KeyError, TypeError, ValidationError):
        return Intent(fallback, "model answer was not valid JSON", "heuristic")
    kind = answer.intent
    if kind in ("MODIFY", "FIX") and not has_project:
        kind = "BUILD"
    return Intent(kind, answer.reason[:200], "model")


def heuristic_intent(message: str, *, has_project: bool) -> str:
    """The fallback classifier (also what the scripted model answers)."""
    lowered = message.lower().strip()
    if REFUSE_WORDS.search(lowered):
        return "REFUSE"
    if re.search(
        r"\b(broken|error|crash\w*|blank|white screen|doesn'?t work|not working|fix)\b", lowered
    ):
        return "FIX" if has_project else "BUILD"
    question = lowered.endswith("?") or re.match(
        r"^(what|why|how|which|who|when|where|can you explain|explain|is|are|does|do)\b", lowered
    )
    if question and not re.search(r"\b(build|make|create|add|change)\b", lowered):
        return "QUESTION"
    if has_project and re.search(
        r"\b(change|make|add|remove|replace|update|rename|move|swap|turn|use|set)\b", lowered
    ):
        return "MODIFY"
    return "BUILD"


def json_object(text: str) -> str:
    """The JSON object in a model answer, tolerating code fences and prose around it."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return text[start : end + 1]
