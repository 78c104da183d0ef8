"""Shared pieces of /api/v1 resources: opaque cursors, cached JSON with ETags, pages."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from vibecoder.api.v1.problems import ApiProblem

MAX_PAGE = 100
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (1–100).")]
CursorParam = Annotated[
    str | None,
    Query(max_length=200, description="`next_cursor` of the previous page; omit for the first."),
]


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *keys: str) -> dict[str, int] | None:
    """The cursor's integer fields, or None for the first page; a bad cursor is a 422."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        values = {key: int(data[key]) for key in keys}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        values = None
    if values is None or any(not 0 <= v < 2**31 for v in values.values()):
        raise ApiProblem(
            422,
            "invalid_cursor",
            "This cursor is not valid; start from the first page.",
            field="cursor",
        )
    return values


def etag_json(request: Request, model: BaseModel, *, private: bool) -> Response:
    """The model as JSON with a strong ETag; a matching If-None-Match gets an empty 304."""
    body = model.model_dump_json().encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": tag,
        # What a reader sees depends on who asks (drafts, ownership): never share across users.
        "Cache-Control": "private, max-age=0, must-revalidate"
        if private
        else "public, max-age=0, must-revalidate",
        "Vary": "Authorization, Cookie",
    }
    wanted = request.headers.get("if-none-match", "")
    candidates = {part.strip().removeprefix("W/") for part in wanted.split(",")}
    if tag in candidates or "*" in candidates:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


NOT_MODIFIED = {304: {"description": "Not modified: the `If-None-Match` ETag still matches."}}
