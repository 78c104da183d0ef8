"""The "Similar listings" panel of a listing page: nearest neighbours by embedding."""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.catalog.cards import ListingCard
from vibecoder.domain.search.query import similar_to_slug
from vibecoder.state.offloop import in_thread


class SimilarListingsState(rx.State):
    items: list[ListingCard] = []

    @rx.event
    async def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        self.items = await in_thread(lambda session: similar_to_slug(session=session, slug=slug))
