"""One rule for every text field a person fills in: no NUL or other control characters.

A NUL byte cannot be stored in PostgreSQL text (the insert fails with a 500 and SQL in the
log), and the other C0/C1 controls are invisible tricks (terminal escapes in exported CSVs,
spoofed line ends in one-line fields). Every service that takes form text checks it here,
before anything is written: schemas by inheriting `PlainTextInput`, plain keyword services by
calling `require_plain_text`. Multi-line fields keep line breaks and tabs; one-line fields
refuse them too. The error names the field, so the form can say which one to fix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from vibecoder.errors import ValidationFailed
from vibecoder.text_hygiene import control_char_problem

ERROR_CODE = "control_characters"


def label_of(name: str) -> str:
    """`new_password` → "New password": how a form labels the field."""
    return name.replace("_", " ").strip().capitalize()


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def problem(name: str, value: Any, *, multiline: bool) -> str | None:
    """The sentence to show for field `name`, or None when its text is acceptable."""
    for text in _strings(value):
        found = control_char_problem(text, multiline=multiline)
        if found:
            return f"{label_of(name)} {found}"
    return None


def require_plain_text(*, multiline: Collection[str] = (), **fields: Any) -> None:
    """Raise `ValidationFailed` (field = the first bad field's name) on a control character.

    Call it first thing in a service, with the user's fields as keywords:
    `require_plain_text(title=title, body=body, multiline={"body"})`.
    """
    for name, value in fields.items():
        message = problem(name, value, multiline=name in multiline)
        if message:
            raise ValidationFailed(ERROR_CODE, message, field=name)


class PlainTextInput(BaseModel):
    """Base of input schemas: every text field (also inside lists and dicts) is checked.

    Subclasses name their multi-line fields in `multiline_fields`. The refusal is a pydantic
    error of type `control_characters` on that field, so APIs answer 422 with its location and
    `listings._parse` turns it into the same `ValidationFailed` as `require_plain_text`.
    """

    multiline_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or "field"
        message = problem(name, value, multiline=name in cls.multiline_fields)
        if message:
            # Its own error type, so callers keep the code and the sentence as they are.
            raise PydanticCustomError(ERROR_CODE, message)
        return value
