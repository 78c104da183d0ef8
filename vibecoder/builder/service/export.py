"""A builder project leaves the builder: as a zip of one version, or as a draft listing.

The zip and the listing carry the project files plus the built `app.js` and `app.css`, so the
`index.html` of the project opens as it looked in the preview.

"Sell this" links a project to its listing without a schema change: the listing's slug ends
with a digest of the project's public id. A second click finds that listing instead of making
another one (the unique slug index settles two concurrent clicks); when the project has changed
since, the new code becomes the listing's next patch version, still unpublished.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vibecoder.builder.service.preview import owned_version
from vibecoder.domain.catalog import lineage, semver
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog.languages import detect_language
from vibecoder.domain.catalog.listings import AiMetadataInput
from vibecoder.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vibecoder.infra.storage import get_blob_store, read_bytes
from vibecoder.models.builder import BuilderMessage, BuilderProject, BuilderVersion
from vibecoder.models.catalog import Listing, PricingModel
from vibecoder.models.remix import ProjectLineage
from vibecoder.models.users import Role, User

# A page made fresh in the builder; a remix is filed under its parent's category instead.
LISTING_CATEGORY = "Storefront templates"
LISTING_TECHNOLOGIES = ["react", "tailwindcss", "framer-motion", "lucide-react"]
DEFAULT_PRICE_CENTS = 900  # the listing editor's default price; the seller sets the real one
MAX_PROMPT_ENTRIES = 500  # what listing provenance accepts
MAX_PROMPT_CHARS = 100_000


def _slug_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "project"


def version_blobs(version: BuilderVersion) -> list[tuple[str, str]]:
    """(path, sha256) of the version's source files, then the built app.js and app.css."""
    files = sorted(version.files.items())
    built = [("app.js", version.bundle_sha), ("app.css", version.css_sha)]
    files += [(path, sha) for path, sha in built if sha and path not in version.files]
    return files


@dataclass(frozen=True)
class VersionZip:
    filename: str  # e.g. ember-coffee-v3.zip; also the folder inside the archive
    files: list[tuple[str, str]]  # (path, sha256)


def version_zip(
    session: Session, *, user_id: int, public_id: str, number: int
) -> VersionZip | None:
    """What the zip of the owner's version holds; None for anyone else or no such version."""
    found = owned_version(session, user_id=user_id, public_id=public_id, number=number)
    if found is None:
        return None
    project, version = found
    return VersionZip(
        filename=f"{_slug_part(project.name)}-v{version.number}.zip", files=version_blobs(version)
    )


# --- "Sell this" ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SellOutcome:
    listing_id: int
    slug: str
    version: str
    created: bool  # a new listing (False: the project's existing listing)
    added_version: bool  # a new unpublished version was added to it


def project_digest(public_id: str) -> str:
    return hashlib.sha256(public_id.encode()).hexdigest()[:10]


def _prompt_history(session: Session, project_id: int) -> list[dict]:
    rows = session.exec(
        select(BuilderMessage.role, BuilderMessage.content)
        .where(BuilderMessage.project_id == project_id)
        .order_by(BuilderMessage.id)
    ).all()
    entries = [
        {
            "role": role if role in ("user", "assistant", "system") else "assistant",
            "content": content[:MAX_PROMPT_CHARS],
        }
        for role, content in rows
    ]
    if len(entries) > MAX_PROMPT_ENTRIES:
        # The first prompt says what the code is; the rest are the latest changes.
        entries = entries[:1] + entries[-(MAX_PROMPT_ENTRIES - 1) :]
    return entries


def _ai_metadata(session: Session, project: BuilderProject, version: BuilderVersion) -> dict:
    provider = version.provider or project.provider or "scripted"
    return AiMetadataInput(
        model=(version.model or project.model or provider)[:100],
        provider=provider[:40],
        prompt_history=_prompt_history(session, project.id),
        token_input=project.tokens_in,
        token_output=project.tokens_out,
        generated_at=version.created_at,
    ).model_dump()


@dataclass(frozen=True)
class _ListedFile:
    path: str
    sha256: str
    size: int
    language: str
    is_binary: bool = False


def _listed_files(version: BuilderVersion) -> list[_ListedFile]:
    store = get_blob_store()
    listed = []
    for path, sha in version_blobs(version):
        data = read_bytes(store, sha)
        listed.append(_ListedFile(path, sha, len(data), detect_language(path, data[:8192])))
    return listed


def _listing_of_project(session: Session, seller: User, digest: str) -> Listing | None:
    return session.exec(
        select(Listing).where(Listing.seller_id == seller.id, Listing.slug.endswith(f"-{digest}"))
    ).first()


def _first_prompt(session: Session, project_id: int) -> str:
    return (
        session.exec(
            select(BuilderMessage.content)
            .where(BuilderMessage.project_id == project_id, BuilderMessage.role == "user")
            .order_by(BuilderMessage.id)
        ).first()
        or ""
    )


def _category(session: Session, parent: ProjectLineage | None) -> str:
    """The parent listing's category for a remix (while the parent exists), else the default."""
    if parent is not None and parent.parent_listing_id is not None:
        listing = session.get(Listing, parent.parent_listing_id)
        if listing is not None and listing.category:
            return listing.category
    return LISTING_CATEGORY


def sell_project(*, session: Session, seller: User, public_id: str) -> SellOutcome:
    """A draft listing of the project's current version as 1.0.0, with its AI provenance."""
    project = session.exec(
        select(BuilderProject).where(
            BuilderProject.public_id == public_id, BuilderProject.owner_id == seller.id
        )
    ).first()
    if project is None:
        raise NotFound("not_found", "No such project.")
    if seller.role not in (Role.seller, Role.admin):
        raise PermissionDenied(
            "not_a_seller", "Become a seller in your account to sell what you build."
        )
    version = (
        session.get(BuilderVersion, project.current_version_id)
        if project.current_version_id
        else None
    )
    if version is None:
        raise ValidationFailed("no_version", "Build something first: this project has no code.")
    # A remix is sold only when the parent's license allows derivatives (refused otherwise).
    parent = lineage.check_resale(session, project.id)
    files = _listed_files(version)
    meta = _ai_metadata(session, project, version)
    changelog = f"From builder version {version.number}: {version.message}"[:2000]
    digest = project_digest(project.public_id)

    listing = _listing_of_project(session, seller, digest)
    if listing is not None:
        return _update_listing(session, seller, listing, files, meta, changelog, parent)

    prompt = _first_prompt(session, project.id)
    title = project.name.strip()
    if len(title) < 3:
        title = f"{title} storefront".strip()
    try:
        with session.begin_nested():
            listing = catalog.create_listing(
                session=session,
                seller=seller,
                data={
                    "title": title[:120],
                    "slug": f"{_slug_part(project.name)}-{digest}",
                    "summary": (prompt or "A storefront built with the VibeCoder AI builder.")[
                        :300
                    ],
                    "description": (
                        "Built with the VibeCoder AI builder: React 18, Tailwind CSS, "
                        "framer-motion and lucide-react. Open index.html, or rebuild app.js "
                        "from src/ with esbuild.\n\nThe prompt it was built from:\n\n"
                        + prompt[:40_000]
                    ),
                    "category": _category(session, parent),
                    "technologies": LISTING_TECHNOLOGIES,
                    "pricing_model": PricingModel.one_time,
                    "price_cents": DEFAULT_PRICE_CENTS,
                },
            )
    except (IntegrityError, Conflict):
        # Another click of the same user made it first.
        listing = _listing_of_project(session, seller, digest)
        if listing is None:
            raise
        return _update_listing(session, seller, listing, files, meta, changelog, parent)
    if parent is not None:
        lineage.record_listing_parent(session=session, listing_id=listing.id, lineage=parent)
    row = catalog.add_version(
        session=session,
        seller=seller,
        listing_id=listing.id,
        version="1.0.0",
        changelog=changelog,
        files=files,
        ai_metadata=meta,
    )
    return SellOutcome(listing.id, listing.slug, row.version, created=True, added_version=True)


def _update_listing(session, seller, listing, files, meta, changelog, parent) -> SellOutcome:
    if parent is not None:
        lineage.record_listing_parent(session=session, listing_id=listing.id, lineage=parent)
    versions = catalog.versions_of(session=session, listing_id=listing.id, published_only=False)
    newest = versions[0] if versions else None
    if newest is not None:
        listed = {
            (f.path, f.sha256) for f in catalog.files_of(session=session, version_id=newest.id)
        }
        if listed == {(f.path, f.sha256) for f in files}:
            return SellOutcome(
                listing.id, listing.slug, newest.version, created=False, added_version=False
            )
    number = _next_patch(newest.version) if newest else "1.0.0"
    row = catalog.add_version(
        session=session,
        seller=seller,
        listing_id=listing.id,
        version=number,
        changelog=changelog,
        files=files,
        ai_metadata=meta,
    )
    return SellOutcome(listing.id, listing.slug, row.version, created=False, added_version=True)


def _next_patch(version: str) -> str:
    parsed = semver.parse(version)
    return f"{parsed.major}.{parsed.minor}.{parsed.patch + 1}"
