"""Seller workspace: their listings, the listing editor, version uploads and publishing."""

from __future__ import annotations

import reflex as rx
from pydantic import BaseModel

from vibecoder.domain.catalog import files as listing_files
from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.catalog import semver
from vibecoder.domain.commerce.money import format_price
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.models.catalog import Listing
from vibecoder.state.auth import AuthState

PAGE_SIZE = 20


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

    @rx.var
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)

    @rx.var
    def has_blocking(self) -> bool:
        return any(f.severity == "blocking" for f in self.findings)

    @rx.event
    def load_dashboard(self):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/sell")
        if user.role not in ("seller", "admin"):
            return
        self._load_rows(user)

    def _load_rows(self, user) -> None:
        with session_scope() as session:
            listings = catalog.seller_listings(
                session=session, seller=user, offset=(self.page - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )
            self.total = catalog.count_seller_listings(session=session, seller=user)
            self.rows = [
                SellerListingRow(
                    id=listing.id,
                    slug=listing.slug,
                    title=listing.title,
                    status=listing.status,
                    price_label=format_price(
                        listing.price_cents, listing.currency, listing.pricing_model
                    ),
                    latest_version=(
                        v.version
                        if (v := catalog.latest_version(session=session, listing_id=listing.id))
                        else "—"
                    ),
                    updated=listing.updated_at.strftime("%Y-%m-%d"),
                )
                for listing in listings
            ]

    @rx.event
    def go_to_page(self, page: int):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/sell")
        self.page = int(page)
        self._load_rows(user)

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
        self.cover_path = ""
        self.form_error = self.form_message = self.upload_error = self.upload_message = ""
        self.new_version, self.new_changelog = "1.0.0", ""

    @rx.event
    def load_editor(self):
        user = self.refreshed_user()
        raw_id = str(self.router.page.params.get("listing_id", "new"))
        if user is None:
            return rx.redirect(f"/signin?next=/sell/{raw_id}")
        self._reset_editor()
        if raw_id == "new":
            return
        try:
            listing_id = int(raw_id)
            with session_scope() as session:
                listing = catalog.get_own_listing(
                    session=session, seller=user, listing_id=listing_id
                )
                self._fill(session, listing)
        except (ValueError, ServiceError):
            self.form_error = "This listing does not exist or is not yours."

    def _fill(self, session, listing: Listing) -> None:
        self.listing_id = listing.id
        self.slug, self.status, self.title = listing.slug, listing.status, listing.title
        self.summary, self.description = listing.summary, listing.description
        self.category, self.license_type = listing.category, listing.license_type
        self.pricing_model, self.currency = listing.pricing_model, listing.currency
        self.price = f"{listing.price_cents / 100:.2f}"
        self.cover_path = (
            f"/api/covers/{listing.cover_image_sha}" if listing.cover_image_sha else ""
        )
        self.technologies = ", ".join(
            catalog.technologies_of(session=session, listing_id=listing.id)
        )
        self._fill_versions(session, listing.id)

    def _fill_versions(self, session, listing_id: int) -> None:
        from vibecoder.domain.sandbox_runs.runs import latest_test_runs, test_label

        versions = catalog.versions_of(session=session, listing_id=listing_id, published_only=False)
        runs = latest_test_runs(session=session, version_ids=[v.id for v in versions])
        # The next patch is what most uploads are: pre-fill it (the seller can change it).
        self.new_version = semver.next_patch([v.version for v in versions])
        self.version_warning = ""
        self.versions = [
            VersionRow(
                id=v.id,
                version=v.version,
                is_latest=v.is_latest,
                is_published=v.is_published,
                files=len(catalog.files_of(session=session, version_id=v.id)),
                published=v.published_at.strftime("%Y-%m-%d") if v.published_at else "draft",
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

    @rx.event
    def save_listing(self, form: dict):
        self.form_error = self.form_message = ""
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/sell")
        try:
            price_cents = int(round(float(str(form.get("price") or "0")) * 100))
        except ValueError:
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
        }
        try:
            with session_scope() as session:
                if self.listing_id:
                    listing = catalog.update_listing(
                        session=session, seller=user, listing_id=self.listing_id, data=data
                    )
                else:
                    listing = catalog.create_listing(session=session, seller=user, data=data)
                session.flush()
                self._fill(session, listing)
        except ServiceError as exc:
            self.form_error = exc.message
            return
        self.form_message = "Saved."
        return rx.redirect(f"/sell/{self.listing_id}")

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
        user = self.refreshed_user()
        if user is None or not self.listing_id:
            self.upload_error = "Save the listing before uploading files."
            return
        if not files:
            self.upload_error = "Choose a zip or one or more files."
            return
        wanted = self.new_version.strip()
        latest = semver.below_latest(wanted, [v.version for v in self.versions])
        if latest and self._confirmed_version != wanted:
            # Probably a typo (0.9.0 after 1.1.0): ask once; uploading again confirms.
            self._confirmed_version = wanted
            self.version_warning = (
                f"{wanted} is below the latest version {latest}. Buyers keep getting {latest}; "
                "upload again to add it anyway as an older version."
            )
            return
        self._confirmed_version = ""
        self.version_warning = ""
        self.uploading = True
        yield
        try:
            with session_scope() as session:
                result = listing_files.add_uploaded_version(
                    session=session,
                    seller=user,
                    listing_id=self.listing_id,
                    version=self.new_version.strip(),
                    changelog=self.new_changelog,
                    uploads=[(f.filename or f.name or "upload", f.file) for f in files],
                )
                self._fill_versions(session, self.listing_id)
        except ServiceError as exc:
            self.upload_error = exc.message
            self.uploading = False
            return
        self.findings = [FindingRow(**f) for f in result.findings]
        self.uploading = False
        self.upload_message = (
            f"Version {result.version} uploaded with {result.file_count} files. "
            "Review the scan below, then publish it."
        )
        yield rx.clear_selected_files("version-files")

    @rx.event
    async def upload_cover(self, files: list[rx.UploadFile]):
        self.form_error = ""
        user = self.refreshed_user()
        if user is None or not self.listing_id or not files:
            return
        from vibecoder.domain.catalog.covers import set_cover

        try:
            with session_scope() as session:
                listing = set_cover(
                    session=session, seller=user, listing_id=self.listing_id, stream=files[0].file
                )
                self.cover_path = f"/api/covers/{listing.cover_image_sha}"
        except ServiceError as exc:
            self.form_error = exc.message
            return
        yield rx.clear_selected_files("cover")
        yield rx.toast.success("Cover updated.")

    @rx.event
    def publish_version(self, version_id: int):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin")
        try:
            with session_scope() as session:
                findings = listing_files.publish_scanned_version(
                    session=session, seller=user, version_id=int(version_id)
                )
                listing = catalog.get_own_listing(
                    session=session, seller=user, listing_id=self.listing_id
                )
                self._fill(session, listing)
        except listing_files.BlockedBySecrets as exc:
            self.findings = [FindingRow(**f) for f in exc.findings]
            self.upload_error = exc.message
            return
        except ServiceError as exc:
            self.upload_error = exc.message
            return
        # Start the next upload from a clean form: no stale scan, message or changelog; the
        # version field already holds the next patch (_fill_versions).
        self.findings, self.upload_message, self.upload_error = [], "", ""
        self.new_changelog = ""
        warned = f" ({len(findings)} scan warnings noted.)" if findings else ""
        return rx.toast.success("Published. Buyers can see it now." + warned)

    @rx.event
    def archive(self):
        user = self.refreshed_user()
        if user is None or not self.listing_id:
            return
        try:
            with session_scope() as session:
                listing = catalog.archive_listing(
                    session=session, seller=user, listing_id=self.listing_id
                )
                self._fill(session, listing)
        except ServiceError as exc:
            self.form_error = exc.message
            return
        return rx.toast.info("Archived: hidden from the shop, still available to buyers.")

    @rx.event
    def republish(self):
        user = self.refreshed_user()
        if user is None or not self.listing_id:
            return
        try:
            with session_scope() as session:
                listing = catalog.publish_listing(
                    session=session, seller=user, listing_id=self.listing_id
                )
                self._fill(session, listing)
        except ServiceError as exc:
            self.form_error = exc.message
