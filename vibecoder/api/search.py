"""GET /api/search?q=...&limit=... — the same ranking as the search page and `vibecoder search`."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.domain.catalog.browse import BrowseFilters
from vibecoder.domain.errors import ServiceError, ValidationFailed
from vibecoder.domain.search.query import search as run_search
from vibecoder.infra import ratelimit
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.settings import get_settings

_FILTER_PARAMS = {
    "category": "category",
    "tech": "technology",
    "pricing": "pricing_model",
    "license": "license_type",
    "min_price_cents": "min_price_cents",
    "max_price_cents": "max_price_cents",
    "min_rating": "min_rating",
}


def _int_param(params, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationFailed(
            f"invalid_{name}", f"{name} must be a whole number.", field=name
        ) from exc


def _search(params) -> dict:
    try:
        filters = BrowseFilters(
            **{field: params[name] for name, field in _FILTER_PARAMS.items() if params.get(name)}
        )
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise ValidationFailed("invalid_filter", f"Invalid filter: {field}.", field=field) from exc
    with session_scope() as session:
        results = run_search(
            session=session,
            redis_client=get_redis(),
            query=params.get("q", ""),
            filters=filters,
            limit=_int_param(params, "limit", 10),
            offset=_int_param(params, "offset", 0),
        )
    return {
        "query": results.query,
        "total": results.total,
        "results": [hit.public() for hit in results.hits],
    }


def _limited_search(params, client: str) -> dict:
    ratelimit.check(
        "search",
        client,
        limit=f"{get_settings().search_per_ip_per_minute}/minute",
        message="Too many searches; slow down.",
    )
    return _search(params)


async def search(request: Request) -> JSONResponse:
    # request.client is the real client behind trusted proxies (vibecoder/api/security.py).
    client = request.client.host if request.client else "unknown"
    try:
        body = await run_in_threadpool(_limited_search, request.query_params, client)
    except ServiceError as exc:
        return JSONResponse(exc.to_dict(), status_code=exc.status_code)
    return JSONResponse(body)
