"""The /api/v1 FastAPI application: routers, problem+json errors, the OpenAPI 3.1 document and
a docs page rendered from it on the server (no CDN, no script: the machine may be offline)."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from starlette.responses import HTMLResponse

from vibecoder.api.v1 import builder, licenses, listings, me, purchases, reviews, sandbox, search
from vibecoder.api.v1.problems import PROBLEM_MEDIA_TYPE, install

PREFIX = "/api/v1"
DESCRIPTION = """\
Programmatic access to VibeCoder: browse and search the catalog, buy or claim listings and
download them, run their files in the sandbox, build pages with the AI builder.

**Authentication.** `Authorization: Bearer vck_…` with an API key from the account page (or
`python -m vibecoder apikey create`). Each key has scopes chosen when it is created: `read`,
`purchase`, `sell`, `build`, `sandbox`. A revoked key, or the key of a suspended account, is
refused on the next request. From the browser the session cookie works too; changes (POST, PUT)
then need the `X-VibeCoder-CSRF: 1` header and this site's Origin.

**Errors** are RFC 9457 `application/problem+json` with a stable `code` (e.g. `invalid_api_key`,
`insufficient_scope`, `listing_not_found`, `rate_limited`). Another user's purchase, run,
project or version is a 404, exactly like a missing one.

**Pages** use cursors: pass `next_cursor` back as `cursor` until it is null. Catalog reads carry
an `ETag`; send it as `If-None-Match` to get a 304 when nothing changed. Requests are limited
per key (per address when anonymous); a 429 says when to retry in `Retry-After`.

**Licenses** (`/licenses/…`) keep the Lemon Squeezy response shape so existing clients work; the
license key in the body is the credential.
"""
TAGS = [
    {"name": "listings", "description": "Browse, read, and (sell scope) create and publish."},
    {"name": "search", "description": "Keyword and meaning search, the search page's ranking."},
    {"name": "purchases", "description": "Buy or claim, list what I own, download it."},
    {"name": "reviews", "description": "Read reviews; review listings you own."},
    {"name": "sandbox", "description": "Run a listing's file in the sandbox."},
    {"name": "builder", "description": "The AI builder: prompt, plan, run, versions."},
    {"name": "licenses", "description": "The license API (activate, validate…)."},
    {"name": "me", "description": "The caller."},
]


def _problem_content(spec: dict[str, Any]) -> None:
    """Error responses are problem+json; FastAPI files every model under application/json."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            is_license = "licenses" in operation.get("tags", [])
            for status, response in operation.get("responses", {}).items():
                if not status.isdigit() or int(status) < 400 or is_license:
                    continue
                response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["LicenseRequest"] = licenses.LicenseRequest.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )


def create_app() -> FastAPI:
    app = FastAPI(
        title="VibeCoder API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
        servers=[{"url": PREFIX}],
        root_path_in_servers=False,
    )
    install(app)
    for module in (listings, search, purchases, reviews, sandbox, builder, licenses, me):
        app.include_router(module.router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            spec = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            _problem_content(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()), headers=DOCS_HEADERS)

    return app


DOCS_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-cache",
}
_STYLE = """
body{font-family:system-ui,sans-serif;background:#0f0f12;color:#e6e6e6;margin:0;line-height:1.5}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin-bottom:4px}h2{border-bottom:1px solid #333;padding-bottom:4px;margin-top:36px}
.op{background:#18181c;border:1px solid #2a2a30;border-radius:8px;padding:12px 16px;margin:12px 0}
.m{display:inline-block;min-width:64px;font-weight:700;font-family:monospace}
.GET{color:#60a5fa}.POST{color:#4ade80}.PUT{color:#facc15}.DELETE{color:#f87171}
code,pre{font-family:ui-monospace,monospace;background:#0b0b0d;padding:1px 4px;border-radius:4px}
pre{padding:10px;overflow:auto;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border-bottom:1px solid #2a2a30;
padding:4px 6px;text-align:left;vertical-align:top;font-size:14px}
.muted{color:#9a9aa5;font-size:14px}a{color:#a78bfa}
"""


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type_of(schema.get('items', {}))}]"
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    return str(schema.get("type", "any"))


def _schema_table(name: str, schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(prop)}</code>{' *' if prop in required else ''}</td>"
        f"<td>{escape(_type_of(sub))}</td>"
        f"<td class=muted>{escape(str(sub.get('description', '')))}</td></tr>"
        for prop, sub in schema.get("properties", {}).items()
    )
    doc = escape(str(schema.get("description", "")))
    return (
        f"<div class=op id='schema-{escape(name, quote=True)}'><b>{escape(name)}</b>"
        f"<div class=muted>{doc}</div><table>{rows}</table></div>"
    )


def render_docs(spec: dict[str, Any]) -> str:
    """Every operation of the spec, grouped by tag, then every schema: plain, escaped HTML."""
    info = spec["info"]
    prefix = spec.get("servers", [{"url": ""}])[0]["url"]
    sections: dict[str, list[str]] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            params = "".join(
                f"<tr><td><code>{escape(p['name'])}</code>{' *' if p.get('required') else ''}"
                f"</td><td>{escape(p['in'])}</td><td>{escape(_type_of(p.get('schema', {})))}</td>"
                f"<td class=muted>{escape(str(p.get('description', '')))}</td></tr>"
                for p in op.get("parameters", [])
            )
            body = op.get("requestBody", {}).get("content", {})
            bodies = ", ".join(
                f"{escape(media)}: <code>{escape(_type_of(c.get('schema', {})))}</code>"
                for media, c in body.items()
            )
            answers = ", ".join(
                f"<code>{escape(status)}</code> {escape(r.get('description', ''))}"
                for status, r in op.get("responses", {}).items()
            )
            auth = "API key or session" if op.get("security") else "none"
            sections.setdefault((op.get("tags") or ["other"])[0], []).append(
                f"<div class=op id='{escape(op.get('operationId', ''), quote=True)}'>"
                f"<span class='m {method.upper()}'>{method.upper()}</span> "
                f"<code>{escape(prefix + path)}</code> — {escape(op.get('summary', ''))}"
                f"<div class=muted>Auth: {auth}</div>"
                + (
                    f"<div class=muted>{escape(op['description'])}</div>"
                    if op.get("description")
                    else ""
                )
                + (
                    f"<table><tr><th>Parameter</th><th>In</th><th>Type</th><th></th></tr>{params}</table>"
                    if params
                    else ""
                )
                + (f"<div>Body: {bodies}</div>" if bodies else "")
                + f"<div class=muted>Responses: {answers}</div></div>"
            )
    nav = " · ".join(f"<a href='#tag-{escape(t, quote=True)}'>{escape(t)}</a>" for t in sections)
    parts = [
        f"<h2 id='tag-{escape(tag, quote=True)}'>{escape(tag)}</h2>" + "".join(ops)
        for tag, ops in sections.items()
    ]
    schemas = "".join(
        _schema_table(name, schema)
        for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())
    )
    intro = "".join(f"<p>{escape(par)}</p>" for par in info.get("description", "").split("\n\n"))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{escape(info['title'])} {escape(info['version'])}</title>"
        f"<style>{_STYLE}</style></head><body><main>"
        f"<h1>{escape(info['title'])} <small class=muted>{escape(info['version'])}</small></h1>"
        f"<p class=muted>OpenAPI {escape(spec['openapi'])}: "
        f"<a href='{escape(prefix, quote=True)}/openapi.json'>openapi.json</a></p>"
        f"{intro}<p>{nav} · <a href='#schemas'>schemas</a></p>{''.join(parts)}"
        f"<h2 id=schemas>Schemas</h2>{schemas}</main></body></html>"
    )
