"""The JSON answers of the protocol as pydantic models: their JSON schema goes to providers that
enforce one (OpenAI `response_format` json_schema, an Anthropic tool's input schema), and every
answer, enforced or parsed from text, is validated against the same model.

`extra="forbid"` and required fields: OpenAI's strict mode accepts only such schemas.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntentAnswer(_Strict):
    intent: Literal["BUILD", "MODIFY", "QUESTION", "FIX", "REFUSE"]
    reason: str


class PlanComponent(_Strict):
    name: str
    purpose: str


class PlanAnswer(_Strict):
    components: list[PlanComponent]


class ChangeEntry(_Strict):
    name: str
    what: str


class AddEntry(_Strict):
    name: str
    purpose: str
    after: str | None


class ChangeAnswer(_Strict):
    change: list[ChangeEntry]
    add: list[AddEntry]
    remove: list[str]


SCHEMAS: dict[str, type[_Strict]] = {
    "intent": IntentAnswer,
    "plan": PlanAnswer,
    "change": ChangeAnswer,
}


def schema_for(purpose: str) -> tuple[str, dict] | None:
    """(name, JSON schema) of the answer a request of this purpose expects, if it is JSON."""
    model = SCHEMAS.get(purpose)
    if model is None:
        return None
    return f"vibecoder_{purpose}", model.model_json_schema()
