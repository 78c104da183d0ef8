"""Seller workspace: their listings, the listing editor, version uploads and publishing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx
from pydantic import BaseModel

from vibecoder.domain import dates
from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import preview_files, semver
from vibecoder.domain.catalog.covers import cover_paths
from vibecoder.domain.catalog.live_demo import has_web_entry
from vibecoder.domain.commerce.money import format_price
from vibecoder.domain.paging import page_count, page_offset
from vibecoder.errors import NotFound, ServiceError
from vibecoder.models.catalog import DEFAULT_PREVIEW_FILES
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    from vibecoder.models.catalog import Listing
    from vibecoder.models.users import User

PAGE_SIZE = 20
DEFAULT_PREVIEW_TEXT = "\n".join(DEFAULT_PREVIEW_FILES)


class SellerListingRow(BaseModel):
    id: int
    slug: str
    title: str
    status: str
    price_label: str
    latest_version: str
    updated: str


class VersionRow(BaseModel):
    id: int
    version: str
    is_latest: bool
    is_published: bool
    files: int
    published: str
    tests: str = ""
    test_output: str = ""


class FindingRow(BaseModel):
    path: str
    line: int
    severity: str
    message: str


class SellState(AuthState):
    rows: list[SellerListingRow] = []
    total: int = 0
    page: int = 1
    # editor
    listing_id: int = 0
    slug: str = ""
    status: str = ""
    title: str = ""
    summary: str = ""
    description: str = ""
    category: str = catalog.CATEGORIES[0]
    technologies: str = ""
    license_type: str = "personal"
    pricing_model: str = "one_time"
    price: str = "9.00"
    currency: str = "usd"
    form_error: str = ""
    form_message: str = ""
    versions: list[VersionRow] = []
    findings: list[FindingRow] = []
    upload_error: str = ""
    upload_message: str = ""
    uploading: bool = False
    new_version: str = "1.0.0"
    new_changelog: str = ""
    # "0.9.0 is below the latest 1.1.0": shown until the seller confirms or changes it.
    version_warning: str = ""
    _confirmed_version: str = ""
    cover_path: str = ""
    # "seller", "screenshot" or "generated" (vibecoder/domain/catalog/covers.py).
    cover_kind: str = ""
    # "Offer a live demo", shown for listings whose files include a web page.
    live_demo: bool = True
    has_web_entry: bool = False
    run_entry_point: str = ""
    run_args: str = ""
    run_stdin: str = ""
    # One gitignore-style pattern per line; which files of the latest version they mark.
    preview_files: str = DEFAULT_PREVIEW_TEXT
    preview_shown: list[str] = []

    @rx.var
    def pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    @rx.var
    def has_blocking(self) -> bool:
        return any(f.severity == "blocking" for f in self.findings)

    @rx.event
    async def load_dashboard(self):
        return await self._load_rows()

    async def _load_rows(self):
        page = self.page

        def rows(session: Session, user: User) -> tuple[int, list[SellerListingRow]] | None:
            if user.role not in ("seller", "admin"):
                return None
            listings = catalog.seller_listings(
                session=session, seller=user, offset=page_offset(page, PAGE_SIZE), limit=PAGE_SIZE
            )
            total = catalog.count_seller_listings(session=session, seller=user)
            tz = dates.zone_of(session, user.id)
            return total, [_listing_row(session, listing, tz) for listing in listings]

        outcome = await self._call(rows, error=None)
        if outcome.signed_out:
            return self._signin_redirect("/sell")
        if outcome.ok and outcome.value is not None:
            self.total, self.rows = outcome.value

    @rx.event
    async def go_to_page(self, page: int):
        self.page = int(page)
        return await self._load_rows()

    def _reset_editor(self) -> None:
        self.listing_id = 0
        self.slug = self.status = self.title = self.summary = self.description = ""
        self.category = catalog.CATEGORIES[0]
        self.technologies = ""
        self.license_type, self.pricing_model, self.price, self.currency = (
            "personal",
            "one_time",
            "9.00",
            "usd",
        )
        self.versions, self.findings = [], []
        self.cover_path = self.cover_kind = ""
        self.live_demo, self.has_web_entry = True, False
        self.run_entry_point = self.run_args = self.run_stdin = ""
        self.preview_files, self.preview_shown = DEFAULT_PREVIEW_TEXT, []
        self.form_error = self.form_message = self.upload_error = self.upload_message = ""
        self.new_version, self.new_changelog = "1.0.0", ""

    @rx.event
    async def load_editor(self):
        raw_id = str(self.router.page.params.get("listing_id", "new"))
        try:
            listing_id = int(raw_id) if raw_id != "new" else 0
        except ValueError:
            listing_id = -1

        def editor(session: Session, user: User) -> EditorView | None:
            if listing_id == 0:
                return None
            if listing_id < 0:
                raise NotFound("listing_not_found", "No such listing.")
            listing = catalog.get_own_listing(session=session, seller=user, listing_id=listing_id)
            return editor_view(session, listing)

        outcome = await self._call(editor, error=None)
        if outcome.signed_out:
            return self._signin_redirect(f"/sell/{raw_id}")
        self._reset_editor()
        if raw_id == "new":
            return
        if not outcome.ok:
            self.form_error = "This listing does not exist or is not yours."
            return
        self._show_editor(outcome.value)

    def _show_editor(self, view: EditorView) -> None:
        self.listing_id = view.listing_id
        self.slug, self.status, self.title = view.slug, view.status, view.title
        self.summary, self.description = view.summary, view.description
        self.category, self.license_type = view.category, view.license_type
        self.pricing_model, self.currency = view.pricing_model, view.currency
        self.price, self.cover_path = view.price, view.cover_path
        self.cover_kind = view.cover_kind
        self.live_demo, self.has_web_entry = view.live_demo, view.has_web_entry
        self.technologies = view.technologies
        self.run_entry_point, self.run_args = view.run_entry_point, view.run_args
        self.run_stdin = view.run_stdin
        self.preview_files, self.preview_shown = view.preview_files, view.preview_shown
        self.versions = view.versions
        # The next patch is what most uploads are: pre-fill it (the seller can change it).
        self.new_version = semver.next_patch([v.version for v in view.versions])
        self.version_warning = ""

    @rx.event
    async def save_listing(self, form: dict):
        self.form_error = self.form_message = ""
        try:
            price_cents = int(round(float(str(form.get("price") or "0")) * 100))
        except ValueError:
            if await self._current_user() is None:
                return self._signin_redirect("/sell")
            self.form_error = "Enter the price as a number, e.g. 19.00."
            return
        data = {
            "title": form.get("title", ""),
            "slug": form.get("slug") or None,
            "summary": form.get("summary", ""),
            "description": form.get("description", ""),
            "category": self.category,
            "technologies": [t for t in str(form.get("technologies", "")).split(",") if t.strip()],
            "license_type": self.license_type,
            "pricing_model": self.pricing_model,
            "price_cents": 0 if self.pricing_model == "free" else price_cents,
            "currency": self.currency,
            "run_entry_point": str(form.get("run_entry_point", "")),
            "run_args": str(form.get("run_args", "")),
            "run_stdin": str(form.get("run_stdin", "")),
            "live_demo": self.live_demo,
            "preview_files": str(form.get("preview_files", "")).splitlines(),
        }
        listing_id = self.listing_id

        def save(session: Session, user: User) -> EditorView:
            if listing_id:
                listing = catalog.update_listing(
                    session=session, seller=user, listing_id=listing_id, data=data
                )
            else:
                listing = catalog.create_listing(session=session, seller=user, data=data)
            session.flush()
            return editor_view(session, listing)

        outcome = await self._call(save, error="form_error")
        if outcome.signed_out:
            return self._signin_redirect("/sell")
        if not outcome.ok:
            return
        created = not listing_id
        self._show_editor(outcome.value)
        self.form_message = "Saved."
        # A new listing gets its own address; an edit stays put, so "Saved." stays on screen
        # (a redirect to the same page would run its load and clear the message at once).
        if created:
            return rx.redirect(f"/sell/{self.listing_id}")
        return None

    @rx.event
    def set_live_demo(self, value: bool):
        self.live_demo = bool(value)

    @rx.event
    def set_category(self, value: str):
        self.category = value

    @rx.event
    def set_license_type(self, value: str):
        self.license_type = value

    @rx.event
    def set_pricing_model(self, value: str):
        self.pricing_model = value
        if value == "free":
            self.price = "0.00"
            if self.license_type in ("personal", "commercial", "extended"):
                self.license_type = "mit"
        elif self.license_type in ("mit", "apache-2.0"):
            self.license_type = "personal"

    @rx.event
    def set_currency(self, value: str):
        self.currency = value

    @rx.event
    def set_new_version(self, value: str):
        self.new_version = value
        self.version_warning = ""

    @rx.event
    def set_new_changelog(self, value: str):
        self.new_changelog = value

    @rx.event
    async def upload_version(self, files: list[rx.UploadFile]):
        self.upload_error = self.upload_message = ""
        self.findings = []
        if not self.listing_id:
            self.upload_error = "Save the listing before uploading files."
            return
        if not files:
            self.upload_error = "Choose a zip or one or more files."
            return
        self.uploading = True
        yield
        listing_id, version = self.listing_id, self.new_version.strip()
        latest = semver.below_latest(version, [v.version for v in self.versions])
        if latest and self._confirmed_version != version:
            # Probably a typo (0.9.0 after 1.1.0): ask once; uploading again confirms.
            self._confirmed_version = version
            self.version_warning = (
                f"{version} is below the latest version {latest}. Buyers keep getting {latest}; "
                "upload again to add it anyway as an older version."
            )
            self.uploading = False
            return
        self._confirmed_version = ""
        self.version_warning = ""
        changelog = self.new_changelog
        # Starlette has already spooled each upload to a temporary file while parsing the
        # request; reading, unzipping, hashing, storing and scanning it all happen in the
        # worker thread, so a 50 MB zip never holds up the other users' events.
        uploads = [(f.filename or f.name or "upload", f.file) for f in files]

        def ingest(session: Session, user: User):
            result = listing_files.add_uploaded_version(
                session=session,
                seller=user,
                listing_id=listing_id,
                version=version,
                changelog=changelog,
                uploads=uploads,
            )
            return (
                result,
                version_rows(session, listing_id, dates.zone_of(session, user.id)),
                has_web_entry(session=session, listing_id=listing_id),
            )

        outcome = await self._call(ingest, error="upload_error", heavy=True)
        self.uploading = False
        if outcome.signed_out:
            self.upload_error = "Save the listing before uploading files."
        if not outcome.ok:
            return
        result, self.versions, self.has_web_entry = outcome.value
        self.findings = [FindingRow(**f) for f in result.findings]
        self.upload_message = (
            f"Version {result.version} uploaded with {result.file_count} files. "
            "Review the scan below, then publish it."
        )
        yield rx.clear_selected_files("version-files")

    @rx.event
    async def upload_cover(self, files: list[rx.UploadFile]):
        self.form_error = ""
        if not self.listing_id or not files:
            return
        from vibecoder.domain.catalog.covers import set_cover

        listing_id, stream = self.listing_id, files[0].file
        # Pillow decodes and re-encodes the image: in the worker thread.
        outcome = await self._call(
            lambda session, user: (
                set_cover(
                    session=session, seller=user, listing_id=listing_id, stream=stream
                ).cover_image_sha
            ),
            error="form_error",
            heavy=True,
        )
        if not outcome.ok:
            return
        self.cover_path = f"/api/covers/{outcome.value}"
        self.cover_kind = "seller"
        yield rx.clear_selected_files("cover")
        yield rx.toast.success("Cover updated.")

    @rx.event
    async def publish_version(self, version_id: int):
        listing_id = self.listing_id

        def publish(session: Session, user: User):
            findings = listing_files.publish_scanned_version(
                session=session, seller=user, version_id=int(version_id)
            )
            listing = catalog.get_own_listing(session=session, seller=user, listing_id=listing_id)
            return findings, editor_view(session, listing)

        def refused(exc: ServiceError) -> None:
            if isinstance(exc, listing_files.BlockedBySecrets):
                self.findings = [FindingRow(**f) for f in exc.findings]
            self.upload_error = exc.message

        outcome = await self._call(publish, error=refused)
        if outcome.signed_out:
            return rx.redirect("/signin")
        if not outcome.ok:
            return
        findings, view = outcome.value
        self._show_editor(view)
        # Start the next upload from a clean form: no stale scan, message or changelog; the
        # version field already holds the next patch (_show_editor).
        self.findings, self.upload_message, self.upload_error = [], "", ""
        self.new_changelog = ""
        warned = f" ({len(findings)} scan warnings noted.)" if findings else ""
        return rx.toast.success("Published. Buyers can see it now." + warned)

    async def _change_status(self, change) -> bool:
        """Archive or publish the open listing again; the editor shows the result."""
        listing_id = self.listing_id
        if not listing_id:
            return False
        outcome = await self._call(
            lambda session, user: editor_view(
                session, change(session=session, seller=user, listing_id=listing_id)
            ),
            error="form_error",
        )
        if outcome.ok:
            self._show_editor(outcome.value)
        return outcome.ok

    @rx.event
    async def archive(self):
        if await self._change_status(catalog.archive_listing):
            return rx.toast.info("Archived: hidden from the shop, still available to buyers.")

    @rx.event
    async def republish(self):
        await self._change_status(catalog.publish_listing)


class EditorView(BaseModel):
    """The listing editor's fields, read in the worker thread."""

    listing_id: int
    slug: str
    status: str
    title: str
    summary: str
    description: str
    category: str
    license_type: str
    pricing_model: str
    currency: str
    price: str
    cover_path: str
    cover_kind: str
    live_demo: bool
    has_web_entry: bool
    technologies: str
    run_entry_point: str
    run_args: str
    run_stdin: str
    preview_files: str
    preview_shown: list[str]
    versions: list[VersionRow]


def editor_view(session: Session, listing: Listing) -> EditorView:
    return EditorView(
        listing_id=listing.id,
        slug=listing.slug,
        status=listing.status,
        title=listing.title,
        summary=listing.summary,
        description=listing.description,
        category=listing.category,
        license_type=listing.license_type,
        pricing_model=listing.pricing_model,
        currency=listing.currency,
        price=f"{listing.price_cents / 100:.2f}",
        cover_path=cover_paths(listing)[0],
        cover_kind=listing.cover_kind,
        live_demo=listing.live_demo,
        has_web_entry=has_web_entry(session=session, listing_id=listing.id),
        technologies=", ".join(catalog.technologies_of(session=session, listing_id=listing.id)),
        run_entry_point=listing.run_entry_point,
        run_args=listing.run_args,
        run_stdin=listing.run_stdin,
        preview_files="\n".join(listing.preview_files),
        preview_shown=_preview_shown(session, listing),
        versions=version_rows(session, listing.id, dates.zone_of(session, listing.seller_id)),
    )


def _preview_shown(session: Session, listing: Listing) -> list[str]:
    """The newest version's files the marks select, so the seller sees what they chose."""
    versions = catalog.versions_of(session=session, listing_id=listing.id, published_only=False)
    if not versions:
        return []
    shown = preview_files.matcher(listing.preview_files)
    paths = [f.path for f in catalog.files_of(session=session, version_id=versions[0].id)]
    return [path for path in paths if shown(path)][:100]


def version_rows(session: Session, listing_id: int, tz: ZoneInfo) -> list[VersionRow]:
    from vibecoder.domain.sandbox_runs.runs import latest_test_runs, test_label

    versions = catalog.versions_of(session=session, listing_id=listing_id, published_only=False)
    runs = latest_test_runs(session=session, version_ids=[v.id for v in versions])
    return [
        VersionRow(
            id=v.id,
            version=v.version,
            is_latest=v.is_latest,
            is_published=v.is_published,
            files=len(catalog.files_of(session=session, version_id=v.id)),
            published=dates.local(v.published_at, tz, dates.DATE, empty="draft"),
            tests=test_label(runs.get(v.id)),
            # Failures are shown to the seller with the output (capped for the page).
            test_output=(
                (runs[v.id].stdout + runs[v.id].stderr)[-4000:]
                if v.id in runs and (runs[v.id].tests_failed or runs[v.id].limit_reason)
                else ""
            ),
        )
        for v in versions
    ]


def _listing_row(session: Session, listing: Listing, tz: ZoneInfo) -> SellerListingRow:
    latest = catalog.latest_version(session=session, listing_id=listing.id)
    return SellerListingRow(
        id=listing.id,
        slug=listing.slug,
        title=listing.title,
        status=listing.status,
        price_label=format_price(listing.price_cents, listing.currency, listing.pricing_model),
        latest_version=latest.version if latest else "—",
        updated=dates.local(listing.updated_at, tz, dates.DATE),
    )
