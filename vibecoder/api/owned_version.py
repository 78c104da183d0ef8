"""Builder routes under /<project>/<version>/: the signed-in owner's version, else one 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from vibecoder.domain.accounts import auth
from vibecoder.infra.db import session_scope

T = TypeVar("T")


async def load_owned_version(request: Request, load: Callable[..., T | None]) -> T | None:
    """`load(session, user_id=, public_id=, number=)` for the session cookie's user, off the loop.

    None for a malformed path or a signed-out visitor; `load` itself answers None for someone
    else's project or a missing version.
    """
    public_id = request.path_params["project"]
    number = request.path_params["version"]
    if len(public_id) > 32 or not 0 < number < 2**31:
        return None

    def run(token: str | None) -> T | None:
        with session_scope() as session:
            user = auth.user_for_session(session=session, token=token)
            if user is None:
                return None
            return load(session, user_id=user.id, public_id=public_id, number=number)

    return await run_in_threadpool(run, request.cookies.get(auth.SESSION_COOKIE))


def not_found() -> JSONResponse:
    # Signed out, someone else's project or no such version: one indistinguishable answer.
    return JSONResponse(
        {"error": "not_found"}, status_code=404, headers={"Cache-Control": "no-store"}
    )
