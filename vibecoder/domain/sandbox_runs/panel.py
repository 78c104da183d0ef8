"""What the "Run in sandbox" panel of a listing page shows a viewer."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.errors import ServiceError
from vibecoder.domain.sandbox_runs.runs import (
    RunView,
    get_run,
    latest_test_run,
    run_view,
    runnable_files,
)
from vibecoder.models.users import User


class Panel(BaseModel):
    listing_id: int = 0  # 0: a listing the viewer cannot see, like a missing one
    entry_points: list[str] = []
    tests: RunView | None = None


def panel_for(*, session: Session, slug: str, viewer: User | None) -> Panel:
    try:
        listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
    except ServiceError:
        return Panel()
    version = catalog.latest_version(session=session, listing_id=listing.id)
    if version is None:
        return Panel(listing_id=listing.id)
    test_run = latest_test_run(session=session, version_id=version.id)
    return Panel(
        listing_id=listing.id,
        entry_points=runnable_files(session=session, version_id=version.id),
        tests=run_view(test_run) if test_run else None,
    )


def view_of_run(
    *, session: Session, public_id: str, viewer: User | None, starter: str = ""
) -> RunView | None:
    """The run as its starter sees it (test runs: anyone); None for anyone else."""
    run = get_run(session=session, public_id=public_id, viewer=viewer, starter=starter)
    return run_view(run) if run else None
