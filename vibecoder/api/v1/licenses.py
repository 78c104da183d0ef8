"""/licenses/{action}: the license API (activate, validate, deactivate, increment-usage).

The handlers are the existing ones (vibecoder/api/licenses.py); here they are documented in the
same OpenAPI spec. They keep Lemon Squeezy's response shape — a success flag, `error`,
`license_key`, `instance`, `meta` — so clients written for it work unchanged; the license key in
the body is the credential, no API key is needed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from vibecoder.api.licenses import ACTIONS, license_handler

router = APIRouter(prefix="/licenses", tags=["licenses"])


class LicenseRequest(BaseModel):
    license_key: str = Field(description="The key, e.g. VC-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX.")
    instance_name: str | None = Field(default=None, description="activate: a name for it.")
    instance_id: str | None = Field(default=None, description="validate/deactivate.")
    quantity: int | None = Field(default=None, description="increment-usage: runs to add.")


class LicenseAnswer(BaseModel):
    """`activated`/`valid`/`deactivated`/`success` (per action) says whether it worked."""

    model_config = ConfigDict(extra="allow")
    error: str | None
    message: str | None = None
    license_key: dict[str, Any] | None
    instance: dict[str, Any] | None
    meta: dict[str, Any] | None


_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/LicenseRequest"}},
            "application/x-www-form-urlencoded": {
                "schema": {"$ref": "#/components/schemas/LicenseRequest"}
            },
        },
    }
}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    status: {"model": LicenseAnswer, "description": text}
    for status, text in (
        (400, "The request cannot be done for this key"),
        (403, "The key is disabled or expired, or over its limit"),
        (404, "No such key or instance"),
        (409, "Over the activation or usage limit"),
        (422, "The request is malformed"),
        (429, "Too many requests (per key and per address)"),
    )
}


def _route(action: str):
    handler = license_handler(action)

    async def endpoint(request: Request) -> Response:
        return await handler(request)

    endpoint.__name__ = f"license_{action.replace('-', '_')}"
    router.add_api_route(
        f"/{action}",
        endpoint,
        methods=["POST"],
        response_model=LicenseAnswer,
        responses=_ANSWERS,
        openapi_extra=_BODY,
        summary=f"License {action}",
    )


for _action in ACTIONS:
    _route(_action)
