"""Send Celery tasks by name: the one way domain code queues work.

Domain modules never import `workers` (the tasks import the domain, not the reverse); they
name the task, e.g. `send("workers.payments.process_event", row_id, session=session)`. With a
session the task goes out only after that session's transaction commits (a fast worker must
not look for rows that are not committed yet, nor act on rows that are then rolled back), and
not at all if it rolls back. Task names are stable strings; tests/unit/test_layers.py checks
that every name sent from vibecoder/ is a task the workers register.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from vibecoder.infra.deferred import after_commit

if TYPE_CHECKING:
    from celery import Celery


def _app() -> Celery:
    # Imported on first use: the app reads REDIS_URL when it is configured, and importing a
    # domain module (a CLI, a migration, a unit test) must not need one.
    from vibecoder.infra.celery_app import app

    return app


def send(task: str, *args: Any, session: Session | None = None, **kwargs: Any) -> None:
    """Queue task `task` with these arguments; with `session`, once it commits."""

    def go() -> None:
        _app().send_task(task, args=args, kwargs=kwargs)

    if session is None:
        go()
    else:
        after_commit(session, go)


def send_chain(
    steps: Sequence[tuple[str, Sequence[Any]]], *, session: Session | None = None
) -> None:
    """Queue tasks that run one after another (each with only its own arguments)."""
    from celery import chain

    def go() -> None:
        app = _app()
        chain(
            *[app.signature(name, args=tuple(args), immutable=True) for name, args in steps]
        ).apply_async()

    if session is None:
        go()
    else:
        after_commit(session, go)
