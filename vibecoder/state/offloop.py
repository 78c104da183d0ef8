"""Service calls of state handlers, run in a worker thread instead of on the event loop.

Reflex serves every connected browser from one asyncio loop. A handler that verifies a password
(argon2 is slow on purpose), embeds a search query or unpacks a 50 MB zip right on that loop
freezes every other user's events for as long. Handlers are therefore async and await their
service work through `in_thread` (usually via `AuthState._call`, which also resolves the
signed-in user and maps `ServiceError` to the handler's error text): the work runs in a thread
of the default executor with its own database session, as Reflex's docs do for long work with
`asyncio.to_thread`. The tab's own state lock stays held meanwhile, so one user's events still
apply in order; everyone else's run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session

from vibecoder.domain.accounts import profiles
from vibecoder.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.infra.heavy import run_heavy
from vibecoder.models.users import User

T = TypeVar("T")


async def in_thread(work: Callable[[Session], T], *, heavy: bool = False) -> T:
    """`work(session)` in a worker thread, in its own session (commit on success, else rollback).
    `heavy` work (seconds of CPU) runs in the low-priority pool of `infra/heavy.py`."""

    def run() -> T:
        with session_scope() as session:
            return work(session)

    if not heavy:
        return await asyncio.to_thread(run)
    return await run_heavy(run)


@dataclass
class Outcome(Generic[T]):
    """What a handler's service call came to: its value, or why there is none."""

    value: T | None = None
    user: User | None = None
    error: ServiceError | None = None
    signed_out: bool = False
    viewer: Viewer | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.signed_out


class Refused(Exception):
    """A `ServiceError` carried out of the session's scope (so its writes roll back)."""

    def __init__(self, error: ServiceError, viewer: Viewer | None):
        super().__init__(error.message)
        self.error, self.viewer = error, viewer


@dataclass(frozen=True)
class Viewer:
    """Who the navbar shows, read while the session is open (plain values, no ORM object)."""

    username: str
    display_name: str
    email: str
    role: str

    @classmethod
    def of(cls, session: Session, user: User | None) -> Viewer | None:
        if user is None:
            return None
        name = profiles.display_name(session=session, user=user)
        return cls(username=user.username, display_name=name, email=user.email, role=user.role)
