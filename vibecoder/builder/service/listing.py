"""The signed-in user's builder projects, a page at a time, for /build."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from vibecoder.domain.paging import paging
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
    at = paging(total=total, page=page, page_size=page_size)
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
        .offset(at.offset)
        .limit(at.limit)
    ).all()
    page, pages = at.page, at.pages
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


@dataclass(frozen=True)
class VersionRow:
    number: int
    message: str
    created_at: datetime
    model: str
    tokens: int


def versions_page(
    session: Session, *, project_id: int, page: int = 1, page_size: int = 10
) -> tuple[list[VersionRow], int]:
    """Newest first; (rows, total)."""
    total = session.exec(
        select(func.count())
        .select_from(BuilderVersion)
        .where(BuilderVersion.project_id == project_id)
    ).one()
    rows = session.exec(
        select(BuilderVersion)
        .where(BuilderVersion.project_id == project_id)
        .order_by(BuilderVersion.number.desc())
        .offset((max(page, 1) - 1) * page_size)
        .limit(page_size)
    ).all()
    return [
        VersionRow(
            number=v.number,
            message=v.message[:200],
            created_at=v.created_at,
            model=v.model or v.provider or "",
            tokens=v.tokens_in + v.tokens_out,
        )
        for v in rows
    ], total


def recent_messages(session: Session, *, project_id: int, limit: int = 30) -> list[tuple[str, str]]:
    """The last `limit` chat messages, oldest first, as (role, text cut to 2000 chars)."""
    from vibecoder.models.builder import BuilderMessage

    rows = session.exec(
        select(BuilderMessage.role, BuilderMessage.content)
        .where(BuilderMessage.project_id == project_id)
        .order_by(BuilderMessage.id.desc())
        .limit(limit)
    ).all()
    return [(role, content[:2000]) for role, content in reversed(rows)]


MAX_CODE_CHARS = 60_000


def version_file_paths(session: Session, *, project_id: int, number: int) -> list[str]:
    version = session.exec(
        select(BuilderVersion).where(
            BuilderVersion.project_id == project_id, BuilderVersion.number == number
        )
    ).first()
    return sorted(version.files) if version else []


def version_file_text(session: Session, *, project_id: int, number: int, path: str) -> str | None:
    """One file of a version (cut to MAX_CODE_CHARS), or None when it has no such file."""
    from vibecoder.infra.storage import get_blob_store, read_bytes

    version = session.exec(
        select(BuilderVersion).where(
            BuilderVersion.project_id == project_id, BuilderVersion.number == number
        )
    ).first()
    if version is None or path not in version.files:
        return None
    return read_bytes(get_blob_store(), version.files[path]).decode()[:MAX_CODE_CHARS]


def version_number(session: Session, *, version_id: int | None) -> int:
    """The number of a project's version by id (0 for none): the project's current one."""
    version = session.get(BuilderVersion, version_id) if version_id else None
    return version.number if version else 0


def current_version_number(session: Session, *, public_id: str) -> int:
    """The number of the project's current version, 0 before the first one."""
    number = session.exec(
        select(BuilderVersion.number)
        .join(BuilderProject, BuilderProject.current_version_id == BuilderVersion.id)
        .where(BuilderProject.public_id == public_id)
    ).first()
    return number or 0


def restore_version_number(session: Session, *, project_id: int, number: int) -> bool:
    """Restore version `number` of the project as a new version; False when there is none."""
    from vibecoder.builder.service.projects import restore_version

    old = session.exec(
        select(BuilderVersion).where(
            BuilderVersion.project_id == project_id, BuilderVersion.number == number
        )
    ).first()
    if old is None:
        return False
    restore_version(session=session, project_id=project_id, version_id=old.id)
    return True
