"""RFC 9457 problem details: every /api/v1 failure has this one shape and a stable `code`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from vibecoder.domain.errors import RateLimited, ServiceError
from vibecoder.infra import outages

log = logging.getLogger(__name__)
PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://vibecoder.dev/problems/"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
}


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem; `code` is stable and meant for programs, `detail` for people."""

    type: str = Field(description="A URI naming the problem type (stable, one per code).")
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable error code, e.g. `insufficient_scope`.")
    field: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.field, self.headers = field, headers or {}


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    field: str | None = None,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=TYPE_BASE + code,
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        code=code,
        field=field,
        errors=errors or [],
    )
    return JSONResponse(
        body.model_dump(),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _location(loc: tuple) -> str:
    # ("query", "limit") -> "limit"; ("body", "scopes", 0) -> "scopes.0"
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header", "cookie")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    """Turn every error FastAPI or a service raises into a problem response."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem):
        return problem_response(
            exc.status, exc.code, exc.detail, field=exc.field, headers=exc.headers
        )

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError):
        headers = {}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        status = exc.status_code if 400 <= exc.status_code < 600 else 400
        return problem_response(status, exc.code, exc.message, field=exc.field, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [
            FieldProblem(field=_location(tuple(e.get("loc", ()))), message=str(e.get("msg", "")))
            for e in exc.errors()
        ]
        first = errors[0] if errors else FieldProblem(field="body", message="invalid")
        return problem_response(
            422,
            "invalid_request",
            f"{first.field}: {first.message}",
            field=first.field,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:
            # A body that cannot even be parsed (bad JSON, bad encoding): same answer as an
            # invalid one, so clients handle one status for "fix your request".
            return problem_response(422, "invalid_request", str(exc.detail), field="body")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem_response(
            exc.status_code,
            code,
            str(exc.detail),
            headers=dict(exc.headers or {}),
        )

    async def _backing_service_away(request: Request, exc: Exception):
        # A database or Redis restarting (infra/outages.py): 503 with Retry-After, as on every
        # other API route, never a 500.
        log.warning("api v1 503 for %s: %s", request.url.path, type(exc).__name__)
        return problem_response(
            503,
            "service_unavailable",
            outages.MESSAGE,
            headers={"Retry-After": str(outages.RETRY_AFTER_SECONDS)},
        )

    for error in outages.BACKING_SERVICE_ERRORS:
        app.add_exception_handler(error, _backing_service_away)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("api v1 %s %s failed", request.method, request.url.path)
        return problem_response(500, "internal_error", "Something went wrong; try again.")


def error_responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI entries for the problems a route can answer (moved to problem+json by app.py)."""
    return {
        status: {"model": Problem, "description": _TITLES.get(status, "Error")}
        for status in statuses
    }
