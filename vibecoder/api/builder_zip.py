"""GET /api/build/<project>/<version>/zip: one builder version as a streamed zip, owner only."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from vibecoder.api.owned_version import load_owned_version, not_found
from vibecoder.builder.service.export import version_zip
from vibecoder.domain.catalog.archive import build_zip_stream
from vibecoder.infra.storage import get_blob_store


async def builder_zip(request: Request) -> Response:
    found = await load_owned_version(request, version_zip)
    if found is None:
        return not_found()
    # A sync generator: Starlette pulls it chunk by chunk in a worker thread.
    return StreamingResponse(
        build_zip_stream(found.files, get_blob_store(), root=found.filename.removesuffix(".zip")),
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
