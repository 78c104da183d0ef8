"""Run something only after the surrounding transaction commits (e.g. enqueue a Celery task).

Enqueueing inside a transaction lets a fast worker look for rows that are not committed yet,
or act on rows that are then rolled back; Celery's docs say: enqueue after commit.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Call `action` once the session's outer transaction commits; drop it if it rolls back."""

    def on_commit(_session: Session) -> None:
        if event.contains(session, "after_rollback", on_rollback):
            event.remove(session, "after_rollback", on_rollback)
        action()

    def on_rollback(_session: Session) -> None:
        if event.contains(session, "after_commit", on_commit):
            event.remove(session, "after_commit", on_commit)

    event.listen(session, "after_commit", on_commit, once=True)
    event.listen(session, "after_rollback", on_rollback, once=True)
