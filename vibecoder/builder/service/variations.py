"""Preview a variation of a web listing before buying it (issue 20, part B).

A signed-in visitor describes a tweak; the builder runs a MODIFY on a private copy of the
listing's latest version and the page shows the result on the preview origin beside the
original. The copy is a builder project owned by the hidden variations account, never by the
visitor, so no builder page, zip or "Sell this" can reach it; the visitor reaches it only
through the calls below, which check that the variation is theirs (anyone else: "not found")
and, for the code itself, that they bought the listing.

Which listings: a React entry (`src/App.jsx` and its components), or a static page (a top-level
`index.html`), which static_page.py turns into components first.

Life of a variation: `start_variation` (checks, quota, the row; queues `prepare`) → the
worker's `prepare` (the listing as it is becomes version 1, bundled and rendered like any
builder version; then an auto-approved MODIFY run on the `agent` queue, spending the visitor's
builder tokens within the variation's own budget) → the run's versions. Kept
`variation_retention_days`; a purchase unlocks it (domain/catalog/variations.py), and then it
is in the library, downloadable.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from vibecoder.builder import engine, shadow
from vibecoder.builder.run.state import RunState
from vibecoder.builder.runtime import ProjectBusy
from vibecoder.builder.service import projects as store
from vibecoder.builder.service import queue, static_page
from vibecoder.builder.service.export import VersionZip, version_blobs
from vibecoder.builder.service.preview import preview_url
from vibecoder.domain import dates
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import variations as catalog_variations
from vibecoder.domain.commerce.access import owned_purchase
from vibecoder.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from vibecoder.infra import dispatch, ratelimit
from vibecoder.infra.redis_client import get_redis
from vibecoder.infra.storage import get_blob_store, read_bytes
from vibecoder.models.builder import BuilderProject, BuilderVersion
from vibecoder.models.catalog import Listing, ListingStatus, VersionFile
from vibecoder.models.users import User
from vibecoder.models.variations import ListingVariation
from vibecoder.settings import get_settings

PREPARE_TASK = "workers.agent.prepare_variation"
OWNER_EMAIL = "variations@localhost"
MAX_PROMPT_CHARS = 500
COMPONENT_PATH = re.compile(r"^src/components/([A-Z][A-Za-z0-9]*)\.jsx$")
# What the builder is told: the visitor's words as a change of the existing page, so the run
# is a MODIFY that keeps what the words do not touch.
RUN_PROMPT = "Change the page: {}"


# --- which listings can have variations --------------------------------------------------------


def react_components(paths: list[str]) -> bool:
    """A React entry the builder can modify: an App root and its components."""
    return "src/App.jsx" in paths and any(COMPONENT_PATH.match(p) for p in paths)


def _texts(session: Session, version_id: int, wanted) -> dict[str, str]:
    """The version's files for which `wanted(path)` holds, as text."""
    store_ = get_blob_store()
    return {
        f.path: read_bytes(store_, f.sha256).decode("utf-8", errors="replace")
        for f in catalog.files_of(session=session, version_id=version_id)
        if wanted(f.path)
    }


def _page_files(session: Session, version_id: int) -> dict[str, str]:
    """What a static page can use: its HTML, scripts and stylesheets."""
    return _texts(session, version_id, lambda p: p.endswith((".html", ".js", ".css")))


def _static_page(session: Session, version_id: int, title: str) -> static_page.StaticPage:
    """The converted page; ValidationFailed with the reason when it cannot be converted."""
    return static_page.convert(_page_files(session, version_id), title=title)


def _latest_files(session: Session, listing: Listing) -> tuple[int, list[VersionFile]] | None:
    version = catalog.latest_version(session=session, listing_id=listing.id)
    if version is None or version.id is None or not version.is_published:
        return None
    return version.id, catalog.files_of(session=session, version_id=version.id)


@dataclass(frozen=True)
class Offer:
    """Whether the listing page offers "Preview a variation", and why not when it does not."""

    web: bool  # a web listing at all (the panel shows only on these)
    enabled: bool  # the seller's switch
    reason: str = ""


def offer(session: Session, *, listing_id: int) -> Offer:
    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != ListingStatus.published:
        return Offer(False, False, "This listing is not for sale.")
    found = _latest_files(session, listing)
    paths = [f.path for f in found[1]] if found else []
    if found is None or not (react_components(paths) or static_page.is_static_page(paths)):
        return Offer(False, False)
    if not react_components(paths):
        try:
            _static_page(session, found[0], listing.title)
        except ValidationFailed as exc:
            return Offer(True, False, exc.message)
    if not listing.variations_enabled:
        return Offer(True, False, "The seller has turned variations off for this listing.")
    return Offer(True, True)


# --- starting one ------------------------------------------------------------------------------


def clean_prompt(prompt: str) -> str:
    """One line (the builder's protocol is line-labelled), at most MAX_PROMPT_CHARS."""
    text = " ".join((prompt or "").split())
    if not text:
        raise ValidationFailed(
            "empty_prompt", "Describe the variation, e.g. the same page for a flower shop."
        )
    if len(text) > MAX_PROMPT_CHARS:
        raise ValidationFailed(
            "prompt_too_long", f"Describe it in at most {MAX_PROMPT_CHARS} characters."
        )
    return text


def variations_owner(session: Session) -> User:
    """The account that owns every variation's builder project (it cannot sign in)."""
    user = session.exec(select(User).where(User.email == OWNER_EMAIL)).first()
    if user is None:
        user = User(email=OWNER_EMAIL, username="variations", password_hash="!")
        session.add(user)
        session.flush()
    return user


def _daily_limit() -> str:
    return f"{get_settings().variations_per_user_per_day}/day"


def start_variation(*, session: Session, user: User, listing_id: int, prompt: str) -> str:
    """Check, count and record a new variation, and queue its preparation; its public id."""
    from vibecoder.builder.service.models import model_choices

    listing = session.get(Listing, listing_id)
    if listing is None or listing.status != ListingStatus.published:
        raise NotFound("listing_not_found", "This listing is not for sale.")
    found = _latest_files(session, listing)
    paths = [f.path for f in found[1]] if found else []
    if found is None or not (react_components(paths) or static_page.is_static_page(paths)):
        raise ValidationFailed(
            "not_a_web_listing",
            "Variations need a web listing: a page (index.html) or its React source "
            "(src/App.jsx and components).",
        )
    if not react_components(paths):
        _static_page(session, found[0], listing.title)  # its reason when it cannot be varied
    if not listing.variations_enabled:
        raise PermissionDenied(
            "variations_off", "The seller has turned variations off for this listing."
        )
    if user.is_suspended:
        raise PermissionDenied("account_suspended", "This account is suspended.")
    text = clean_prompt(prompt)
    if engine.daily_tokens_left(user.id) <= 0:
        raise RateLimited(
            "builder_quota",
            "You have used today's builder tokens; the quota renews at 00:00 UTC.",
            retry_after=3600,
        )
    # Counted last, once everything else passed: one atomic check-and-count on Redis.
    per_day = get_settings().variations_per_user_per_day
    ratelimit.check(
        "variations",
        str(user.id),
        limit=_daily_limit(),
        message=f"You can preview {per_day} variations a day; try again tomorrow.",
    )
    choice = model_choices()[0]
    owner = variations_owner(session)
    project = store.create_project(
        session=session,
        owner_id=owner.id,
        name=f"Variation of {listing.title}"[:120],
        provider=choice.provider,
    )
    project.model = choice.model
    now = datetime.now(UTC)
    variation = ListingVariation(
        public_id=secrets.token_urlsafe(12)[:16],
        listing_id=listing.id,
        version_id=found[0],
        user_id=user.id,
        project_id=project.id,
        prompt=text,
        created_at=now,
        expires_at=now + timedelta(days=get_settings().variation_retention_days),
    )
    session.add(variation)
    session.flush()
    # The budget is this server's setting when the visitor asked, carried to the worker.
    budget = get_settings().variation_token_budget
    dispatch.send(PREPARE_TASK, variation.public_id, budget, session=session)
    return variation.public_id


# --- the worker's part ---------------------------------------------------------------------------


def _listing_components(
    session: Session, version_id: int, title: str
) -> tuple[list[str], dict[str, str]]:
    files = _texts(session, version_id, lambda p: p == "src/App.jsx" or COMPONENT_PATH.match(p))
    if "src/App.jsx" not in files:
        page = _static_page(session, version_id, title)  # offered only when it converts
        return page.order, page.components
    components = {
        match.group(1): text
        for path, text in files.items()
        if (match := COMPONENT_PATH.match(path))
    }
    app = files.get("src/App.jsx", "")
    # The App root renders them in page order; one it does not render goes last.
    order = sorted(components, key=lambda n: app.find(f"<{n}") if f"<{n}" in app else 10**6)
    return order, components


def fail(public_id: str, message: str) -> None:
    """The variation could not start (its run never began): the panel shows why."""
    from vibecoder.infra.db import session_scope

    with session_scope() as session:
        variation = _by_public_id(session, public_id, lock=True)
        if variation is not None and variation.run_id is None:
            variation.status, variation.error = "failed", message[:2000]
            session.add(variation)


def _by_public_id(
    session: Session, public_id: str, *, lock: bool = False
) -> ListingVariation | None:
    query = select(ListingVariation).where(ListingVariation.public_id == public_id[:32])
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def prepare(public_id: str, budget: int | None = None) -> str | None:
    """The listing as it is becomes version 1, then the MODIFY run starts; its run id.

    Idempotent: a redelivered task finds version 1 stored (by its run key) or the run started.
    """
    from vibecoder.builder.service.models import provider_config
    from vibecoder.infra.db import session_scope

    with session_scope() as session:
        variation = _by_public_id(session, public_id)
        if variation is None or variation.run_id is not None or variation.status != "preparing":
            return variation.run_id if variation else None
        listing = session.get(Listing, variation.listing_id)
        project = session.get(BuilderProject, variation.project_id)
        title, project_id = listing.title, project.id
        try:
            order, components = _listing_components(session, variation.version_id, title)
        except ValidationFailed as exc:
            order, components, refused = [], {}, exc.message
        else:
            refused = ""
        config = provider_config(project.provider, project.model)
        prompt, user_id, has_original = (
            variation.prompt,
            variation.user_id,
            (variation.original_number is not None),
        )
    if refused:
        fail(public_id, refused)
        return None
    if not has_original:
        files = shadow.assemble(components, order, title=title)
        try:
            verdict = shadow.validate(files, title=title)
        except shadow.ToolUnavailable as exc:
            fail(public_id, f"The preview tools are unavailable on this server: {exc}")
            return None
        if not verdict.ok:
            fail(public_id, f"The listing's page did not build here: {verdict.error[:500]}")
            return None
        with session_scope() as session:
            version = store.create_version(
                session=session,
                project_id=project_id,
                files=files,
                bundle_js=verdict.js,
                css=verdict.css,
                message=f"{title} as published",
                provider=None,
                model=None,
                run_key="variation:original",
            )
            variation = _by_public_id(session, public_id, lock=True)
            variation.original_number = version.number
            session.add(variation)
    try:
        state = engine.start_run(
            get_redis(),
            project_id=project_id,
            prompt=RUN_PROMPT.format(prompt),
            provider=config,
            auto_approve=True,
            quota_owner_id=user_id,
            budget=budget if budget is not None else get_settings().variation_token_budget,
        )
    except ProjectBusy:
        return None  # another delivery of this task started the run
    with session_scope() as session:
        variation = _by_public_id(session, public_id, lock=True)
        variation.run_id, variation.status = state.run_id, "running"
        session.add(variation)
        listing = session.get(Listing, variation.listing_id)
        catalog_variations.record_preview(session=session, listing=listing, user_id=user_id)
    queue.queue_plan(state.run_id)
    return state.run_id


# --- what the visitor sees ---------------------------------------------------------------------


def own_variation(session: Session, *, user_id: int, public_id: str) -> ListingVariation:
    """The visitor's own variation, still kept (or unlocked); anything else is "not found"."""
    variation = _by_public_id(session, public_id)
    if variation is None or variation.user_id != user_id:
        raise NotFound("not_found", "No such variation.")
    if variation.unlocked_at is None and variation.expires_at <= datetime.now(UTC):
        raise NotFound("not_found", "This variation has expired.")
    return variation


def is_unlocked(session: Session, variation: ListingVariation) -> bool:
    """Bought: the visitor holds a purchase of the listing that grants access now."""
    return (
        owned_purchase(session=session, buyer_id=variation.user_id, listing_id=variation.listing_id)
        is not None
    )


@dataclass
class StepView:
    name: str
    status: str  # queued | streaming | validating | done | failed


@dataclass
class VariationView:
    public_id: str
    prompt: str
    status: str  # preparing | running | done | failed | budget_exceeded | cancelled | refused
    error: str = ""
    steps: list[StepView] = field(default_factory=list)
    tokens: int = 0
    budget: int = 0
    original_url: str = ""
    variation_url: str = ""
    variation_number: int = 0
    kept_until: str = ""
    unlocked: bool = False


def _number(session: Session, version_id: int | None) -> int:
    if version_id is None:
        return 0
    version = session.get(BuilderVersion, version_id)
    return version.number if version else 0


def variation_view(session: Session, *, user_id: int, public_id: str) -> VariationView:
    """The panel's view of the visitor's variation: progress, the two preview links, expiry."""
    variation = own_variation(session, user_id=user_id, public_id=public_id)
    project = session.get(BuilderProject, variation.project_id)
    tz = dates.zone_of(session, user_id)
    view = VariationView(
        public_id=variation.public_id,
        prompt=variation.prompt,
        status=variation.status,
        error=variation.error or "",
        budget=get_settings().variation_token_budget,
        kept_until=dates.local(variation.expires_at, tz, f"{dates.MINUTE} %Z"),
        unlocked=is_unlocked(session, variation),
    )
    if variation.original_number is not None:
        view.original_url = preview_url(
            public_id=project.public_id, number=variation.original_number, user_id=project.owner_id
        )
    state = RunState.load(get_redis(), variation.run_id) if variation.run_id else None
    if state is not None:
        view.status, view.error = state.status, state.error or ""
        view.tokens, view.budget = state.tokens, state.budget
        view.steps = [
            StepView(s.name, "queued" if s.status == "pending" else s.status) for s in state.steps
        ]
        if state.status == "running":
            running = next((s for s in view.steps if s.status == "queued"), None)
            if running is not None:
                running.status = "running"
    current = _number(session, project.current_version_id)
    if variation.original_number is not None and current > variation.original_number:
        view.variation_number = current
        view.variation_url = preview_url(
            public_id=project.public_id, number=current, user_id=project.owner_id
        )
    if state is None and variation.status == "running":
        # The run's Redis state has expired: its versions tell how it ended.
        view.status = "done" if view.variation_url else "failed"
        view.error = "" if view.variation_url else "The builder run ended without a result."
    return view


def latest_variation_id(session: Session, *, user_id: int, listing_id: int) -> str | None:
    """The visitor's newest kept variation of this listing (the panel shows it on a reload)."""
    now = datetime.now(UTC)
    rows = session.exec(
        select(ListingVariation)
        .where(ListingVariation.user_id == user_id, ListingVariation.listing_id == listing_id)
        .order_by(ListingVariation.id.desc())
    )
    for variation in rows:
        if variation.unlocked_at is not None or variation.expires_at > now:
            return variation.public_id
    return None


def variation_zip(session: Session, *, user_id: int, public_id: str) -> VersionZip:
    """The variation's files as a zip, for its owner once the listing is bought.

    NotFound for anyone else (or no such variation); PermissionDenied before the purchase.
    """
    variation = own_variation(session, user_id=user_id, public_id=public_id)
    if not is_unlocked(session, variation):
        raise PermissionDenied("purchase_required", "Buy the listing to download this variation.")
    project = session.get(BuilderProject, variation.project_id)
    number = _number(session, project.current_version_id)
    if variation.original_number is None or number <= variation.original_number:
        raise NotFound("not_ready", "This variation has no result to download.")
    version = session.get(BuilderVersion, project.current_version_id)
    listing = session.get(Listing, variation.listing_id)
    base = re.sub(r"[^a-z0-9]+", "-", listing.title.lower()).strip("-")[:50] or "listing"
    return VersionZip(
        filename=f"{base}-variation-{variation.public_id[:6].lower()}.zip",
        files=version_blobs(version),
    )
