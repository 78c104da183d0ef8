"""What the "Run in sandbox" panel of a listing page shows a viewer."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.sandbox_runs.runs import (
    RunView,
    detect_test_language,
    get_run,
    latest_test_run,
    run_view,
    runnable_files,
)
from vibecoder.errors import ServiceError
from vibecoder.models.users import User


class Panel(BaseModel):
    listing_id: int = 0  # 0: a listing the viewer cannot see, like a missing one
    entry_points: list[str] = []
    tests: RunView | None = None
    has_tests: bool = False  # the latest version ships tests: "Run tests" is offered
    # The seller's defaults (the file only when the latest version can run it).
    entry_point: str = ""
    args: str = ""
    stdin: str = ""


def panel_for(*, session: Session, slug: str, viewer: User | None) -> Panel:
    try:
        listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
    except ServiceError:
        return Panel()
    version = catalog.latest_version(session=session, listing_id=listing.id)
    if version is None:
        return Panel(listing_id=listing.id)
    test_run = latest_test_run(session=session, version_id=version.id)
    paths = [f.path for f in catalog.files_of(session=session, version_id=version.id)]
    entry_points = runnable_files(session=session, version_id=version.id)
    chosen = listing.run_entry_point
    return Panel(
        listing_id=listing.id,
        entry_points=entry_points,
        tests=run_view(test_run) if test_run else None,
        has_tests=detect_test_language(paths) is not None,
        entry_point=chosen if chosen in entry_points else (entry_points[0] if entry_points else ""),
        args=listing.run_args,
        stdin=listing.run_stdin,
    )


def view_of_run(
    *, session: Session, public_id: str, viewer: User | None, starter: str = ""
) -> RunView | None:
    """The run as its starter sees it (test runs: anyone); None for anyone else."""
    run = get_run(session=session, public_id=public_id, viewer=viewer, starter=starter)
    return run_view(run) if run else None
