"""The signed-in user's builder projects, a page at a time, for /build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from vibecoder.models.builder import BuilderProject, BuilderVersion

PAGE_SIZE = 12


@dataclass(frozen=True)
class ProjectRow:
    public_id: str
    name: str
    updated_at: datetime
    latest_version: int | None  # number of the project's current version
    versions: int


@dataclass(frozen=True)
class ProjectPage:
    rows: list[ProjectRow]
    page: int
    pages: int
    total: int


def list_projects(
    session: Session, *, owner_id: int, page: int = 1, page_size: int = PAGE_SIZE
) -> ProjectPage:
    """Most recently updated first; `page` is clamped to the pages that exist."""
    page_size = max(1, min(page_size, 100))
    total = session.exec(
        select(func.count()).select_from(BuilderProject).where(BuilderProject.owner_id == owner_id)
    ).one()
    pages = max(1, -(-total // page_size))
    page = max(1, min(page, pages))
    counts = (
        select(BuilderVersion.project_id, func.count().label("n"))
        .group_by(BuilderVersion.project_id)
        .subquery()
    )
    current = BuilderVersion.__table__.alias("current_version")
    rows = session.exec(
        select(BuilderProject, current.c.number, counts.c.n)
        .outerjoin(current, current.c.id == BuilderProject.current_version_id)
        .outerjoin(counts, counts.c.project_id == BuilderProject.id)
        .where(BuilderProject.owner_id == owner_id)
        .order_by(BuilderProject.updated_at.desc(), BuilderProject.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return ProjectPage(
        rows=[
            ProjectRow(
                public_id=project.public_id,
                name=project.name,
                updated_at=project.updated_at,
                latest_version=number,
                versions=n or 0,
            )
            for project, number, n in rows
        ],
        page=page,
        pages=pages,
        total=total,
    )
