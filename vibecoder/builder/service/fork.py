""" "Open in builder": a listing version's files become a new builder project (a fork).

The fork's first version points at the listing's own blobs (the store is content-addressed, so
nothing is copied); a listing made by "Sell this" ships its built `app.js` and `app.css`, which
become the version's bundle so the preview shows the page at once. Binary files stay behind:
the builder edits text. The project's lineage (parent listing and version, and the license it
was granted under) is recorded in the same transaction; "Sell this" reads it (export.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from vibecoder.builder.service import projects as builder_projects
from vibecoder.domain.catalog import lineage
from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import ValidationFailed
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.models.remix import ProjectLineage
from vibecoder.models.users import User

BUILT_FILES = ("app.js", "app.css")
MAX_FORK_FILES = 500


def fork_listing(
    *, session: Session, user: User, listing_id: int, version_id: int | None = None
) -> BuilderProject:
    """A new project of `user` holding the listing version's text files, with its lineage.

    Refused like a missing listing unless `user` may see the whole code (lineage.can_fork)."""
    from vibecoder.builder.service.models import model_choices

    listing, version = lineage.fork_source(
        session=session, viewer=user, listing_id=listing_id, version_id=version_id
    )
    files = [f for f in catalog.files_of(session=session, version_id=version.id) if not f.is_binary]
    if not files:
        raise ValidationFailed("nothing_to_fork", "This version has no text files to open.")
    if len(files) > MAX_FORK_FILES:
        raise ValidationFailed(
            "too_many_files", f"The builder opens versions of at most {MAX_FORK_FILES} files."
        )
    built = {f.path: f.sha256 for f in files if f.path in BUILT_FILES}
    sources = {f.path: f.sha256 for f in files if f.path not in BUILT_FILES}
    default = model_choices()[0]
    project = builder_projects.create_project(
        session=session,
        owner_id=user.id,
        name=f"{listing.title} remix"[:120],
        provider=default.provider,
    )
    project.model = default.model
    label = f"{listing.title} v{version.version}"
    first = BuilderVersion(
        project_id=project.id,
        number=1,
        message=f"Remixed from {label}"[:2000],
        files=sources or built,
        bundle_sha=built.get("app.js"),
        css_sha=built.get("app.css"),
    )
    session.add(first)
    session.flush()
    project.current_version_id = first.id
    project.updated_at = datetime.now(UTC)
    session.add(project)
    session.add(
        ProjectLineage(
            project_id=project.id,
            parent_listing_id=listing.id,
            parent_version_id=version.id,
            license_type=listing.license_type,
        )
    )
    builder_projects.add_message(
        session=session,
        project_id=project.id,
        run_id=None,
        role="assistant",
        content=(
            f"This project starts from {label} ({len(sources or built)} files). "
            "Describe a change, and the builder edits it from here."
        ),
    )
    session.flush()
    return project


def fork_by_slug(
    *, session: Session, user: User, slug: str, version_id: int | None = None
) -> BuilderProject:
    """`fork_listing` of the listing at `slug`: `version_id` (a buyer's purchased version, from
    the library), else its latest version; refused like a missing one."""
    from sqlmodel import select

    from vibecoder.errors import NotFound
    from vibecoder.models.catalog import Listing

    listing_id = session.exec(select(Listing.id).where(Listing.slug == slug[:80])).first()
    if listing_id is None:
        raise NotFound("listing_not_found", "This listing does not exist or is not available.")
    return fork_listing(session=session, user=user, listing_id=listing_id, version_id=version_id)
