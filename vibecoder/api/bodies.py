"""Request bodies read with a cap *before* they are read: a huge body is refused from its
Content-Length, and a body without one (chunked) is cut off as soon as it passes the cap,
never buffered whole first."""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    pass


async def read_capped(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes:
                raise BodyTooLarge
        except ValueError as exc:
            raise BodyTooLarge from exc
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)
