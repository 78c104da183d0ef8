"""Remixes on the listing page, in the library and in the builder: "Open in builder" (a fork
of the listing's code as a new builder project) and "Remixed from …" (the parent's link).

Separate from ListingState and the builder's states: who may fork is decided by the service
(vibecoder/domain/catalog/lineage.py); this state only shows the answer and follows it.
"""

from __future__ import annotations

import reflex as rx

from vibecoder.builder.service.fork import fork_by_slug
from vibecoder.builder.service.runs import owned_project
from vibecoder.domain.catalog import lineage
from vibecoder.domain.catalog import listings as catalog
from vibecoder.errors import ServiceError
from vibecoder.state.auth import AuthState


class RemixState(AuthState):
    # The listing page: may this viewer open the listing in the builder (signed-out visitors of
    # a free listing are offered it too, and asked to sign in first).
    slug: str = ""
    offer_fork: bool = False
    opening: bool = False
    error: str = ""
    # "Remixed from …" of the listing, or of the builder project.
    parent_title: str = ""
    parent_slug: str = ""
    parent_version: str = ""
    parent_visible: bool = False

    def _show_parent(self, parent: lineage.ParentLink | None) -> None:
        self.parent_title = parent.title if parent else ""
        self.parent_slug = parent.slug if parent else ""
        self.parent_version = parent.version if parent else ""
        self.parent_visible = bool(parent and parent.visible)

    @rx.event
    async def load_listing(self):
        self.slug = str(self.router.page.params.get("slug", ""))
        self.error, self.opening = "", False
        slug = self.slug

        def look(session, viewer):
            try:
                listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
            except ServiceError:
                return False, None
            offer = lineage.can_fork(session, viewer, listing) or (
                viewer is None and lineage.is_free(listing) and listing.status == "published"
            )
            return offer, lineage.listing_parent(session, listing_id=listing.id, viewer=viewer)

        outcome = await self._call(look, signed_in=False, error=None)
        self.offer_fork, parent = outcome.value if outcome.ok else (False, None)
        self._show_parent(parent)

    @rx.event
    async def load_project(self):
        public_id = str(self.router.page.params.get("project", ""))

        def look(session, user):
            project = owned_project(session, owner_id=user.id, public_id=public_id)
            return lineage.project_parent(session, project_id=project.id, viewer=user)

        outcome = await self._call(look, error=None)
        self._show_parent(outcome.value if outcome.ok else None)

    @rx.event
    async def open_in_builder(self, slug: str = "", version_id: int = 0):
        """Fork the listing (this page's latest version, or the library entry's purchased
        version) and open the new project."""
        slug = str(slug or self.slug)
        version = int(version_id or 0) or None
        self.error = ""
        self.opening = True
        yield
        outcome = await self._call(
            lambda session, user: (
                fork_by_slug(session=session, user=user, slug=slug, version_id=version).public_id
            )
        )
        self.opening = False
        if outcome.signed_out:
            yield self._signin_redirect(f"/listing/{slug}")
            return
        if not outcome.ok:
            yield rx.toast.error(self.error)
            return
        yield rx.redirect(f"/build/{outcome.value}")
