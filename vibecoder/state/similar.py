"""The "Similar listings" panel of a listing page: nearest neighbours by embedding."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from vibecoder.domain.catalog.cards import ListingCard
from vibecoder.domain.search.query import similar_listings
from vibecoder.infra.db import session_scope
from vibecoder.models.catalog import Listing


class SimilarListingsState(rx.State):
    items: list[ListingCard] = []

    @rx.event
    def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        with session_scope() as session:
            listing_id = session.exec(select(Listing.id).where(Listing.slug == slug)).first()
            # Only published listings are ever suggested, so a draft's neighbours leak nothing.
            self.items = (
                similar_listings(session=session, listing_id=listing_id, limit=4)
                if listing_id
                else []
            )
