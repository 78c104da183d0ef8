"""Builder projects, their messages and versions in the database; files in the blob store.

A version is immutable: files (path → blob sha256), the bundle and CSS blobs, the message, model
and tokens. Restoring makes a new version whose content is an old one's. A version created for
a run step carries `run_key`, unique per project, so a retried step finds it instead of adding
a second one.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vibecoder.infra.storage import get_blob_store, put_bytes, read_bytes
from vibecoder.models.builder import BuilderMessage, BuilderProject, BuilderVersion
from vibecoder.models.users import User

CLI_USER_EMAIL = "builder-cli@localhost"


def create_project(*, session: Session, owner_id: int, name: str, provider: str) -> BuilderProject:
    project = BuilderProject(
        public_id=secrets.token_urlsafe(12)[:16],
        owner_id=owner_id,
        name=name[:120] or "Untitled",
        provider=provider,
    )
    session.add(project)
    session.flush()
    return project


def cli_owner(session: Session) -> User:
    """The account that owns projects made by `python -m vibecoder build` (cannot sign in)."""
    user = session.exec(select(User).where(User.email == CLI_USER_EMAIL)).first()
    if user is None:
        user = User(email=CLI_USER_EMAIL, username="builder-cli", password_hash="!")
        session.add(user)
        session.flush()
    return user


def add_message(
    *,
    session: Session,
    project_id: int,
    run_id: str | None,
    role: str,
    content: str,
    intent: str | None = None,
    meta: dict | None = None,
    tokens_in: int = 0,
    tokens_out: int = 0,
) -> BuilderMessage:
    message = BuilderMessage(
        project_id=project_id,
        run_id=run_id,
        role=role,
        content=content[:200_000],
        intent=intent,
        meta=meta or {},
        tokens_in=tokens_in,
        tokens_out=tokens_out,
    )
    session.add(message)
    return message


def add_tokens(*, session: Session, project_id: int, tokens_in: int, tokens_out: int) -> None:
    project = session.get(BuilderProject, project_id, with_for_update=True)
    project.tokens_in += tokens_in
    project.tokens_out += tokens_out
    project.updated_at = datetime.now(UTC)


def version_by_run_key(session: Session, project_id: int, run_key: str) -> BuilderVersion | None:
    return session.exec(
        select(BuilderVersion).where(
            BuilderVersion.project_id == project_id, BuilderVersion.run_key == run_key
        )
    ).first()


def create_version(
    *,
    session: Session,
    project_id: int,
    files: dict[str, str],
    bundle_js: str,
    css: str,
    message: str,
    provider: str | None,
    model: str | None,
    tokens_in: int = 0,
    tokens_out: int = 0,
    run_key: str | None = None,
    restored_from_id: int | None = None,
) -> BuilderVersion:
    """Store the blobs and the version row, and make it the project's current version."""
    if run_key is not None:
        existing = version_by_run_key(session, project_id, run_key)
        if existing is not None:
            return existing
    store = get_blob_store()
    file_shas = {path: put_bytes(store, text.encode()).sha256 for path, text in files.items()}
    bundle_sha = put_bytes(store, bundle_js.encode()).sha256 if bundle_js else None
    css_sha = put_bytes(store, css.encode()).sha256 if css else None
    project = session.get(BuilderProject, project_id, with_for_update=True)
    number = (
        session.exec(
            select(func.max(BuilderVersion.number)).where(BuilderVersion.project_id == project_id)
        ).one()
        or 0
    ) + 1
    version = BuilderVersion(
        project_id=project_id,
        number=number,
        run_key=run_key,
        message=message[:2000],
        files=file_shas,
        bundle_sha=bundle_sha,
        css_sha=css_sha,
        provider=provider,
        model=model,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        restored_from_id=restored_from_id,
    )
    try:
        with session.begin_nested():
            session.add(version)
            session.flush()
    except IntegrityError:
        # The same run step committed its version from another delivery of the task.
        existing = version_by_run_key(session, project_id, run_key) if run_key else None
        if existing is None:
            raise
        return existing
    project.current_version_id = version.id
    project.updated_at = datetime.now(UTC)
    return version


def version_files(version: BuilderVersion) -> dict[str, str]:
    store = get_blob_store()
    return {path: read_bytes(store, sha).decode() for path, sha in version.files.items()}


def version_bundle(version: BuilderVersion) -> tuple[str, str]:
    store = get_blob_store()
    js = read_bytes(store, version.bundle_sha).decode() if version.bundle_sha else ""
    css = read_bytes(store, version.css_sha).decode() if version.css_sha else ""
    return js, css


def current_components(session: Session, project: BuilderProject) -> tuple[list[str], dict]:
    """(order, {name: code}) of the project's current version; empty for a new project."""
    if project.current_version_id is None:
        return [], {}
    version = session.get(BuilderVersion, project.current_version_id)
    files = version_files(version)
    prefix = "src/components/"
    components = {
        path[len(prefix) : -4]: code
        for path, code in files.items()
        if path.startswith(prefix) and path.endswith(".jsx")
    }
    # App.jsx imports them in page order.
    app = files.get("src/App.jsx", "")
    order = sorted(components, key=lambda n: app.find(f"<{n} />") if f"<{n} />" in app else 10**6)
    return order, components


def restore_version(*, session: Session, project_id: int, version_id: int) -> BuilderVersion:
    old = session.get(BuilderVersion, version_id)
    if old is None or old.project_id != project_id:
        raise LookupError("no such version in this project")
    js, css = version_bundle(old)
    return create_version(
        session=session,
        project_id=project_id,
        files=version_files(old),
        bundle_js=js,
        css=css,
        message=f"Restored version {old.number}",
        provider=old.provider,
        model=old.model,
        restored_from_id=old.id,
    )


def list_versions(session: Session, project_id: int) -> list[BuilderVersion]:
    return list(
        session.exec(
            select(BuilderVersion)
            .where(BuilderVersion.project_id == project_id)
            .order_by(BuilderVersion.number)
        ).all()
    )
