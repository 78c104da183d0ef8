"""/me: who the key belongs to and what it may do (a cheap check for scripts)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from vibecoder.api.v1.deps import Reader
from vibecoder.api.v1.problems import error_responses

router = APIRouter(tags=["me"])


class MePublic(BaseModel):
    username: str
    role: str
    scopes: list[str]
    via: str


@router.get(
    "/me", response_model=MePublic, summary="The caller", responses=error_responses(401, 403, 429)
)
def me(caller: Reader) -> MePublic:
    return MePublic(
        username=caller.user.username,
        role=caller.user.role,
        scopes=sorted(caller.scopes),
        via="api_key" if caller.key_id is not None else "session",
    )
