"""The Buy / Get button of a listing page: what the viewer can do, and starting checkout."""

from __future__ import annotations

import json

import reflex as rx

from vibecoder.domain.catalog import listings as catalog
from vibecoder.domain.commerce import access, checkout
from vibecoder.domain.commerce.gateways import gateway_name
from vibecoder.domain.commerce.money import format_price
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.models.catalog import PricingModel
from vibecoder.state.auth import AuthState


def go_to(url: str):
    """Leave the app for an absolute URL (checkout, API downloads) even on the same origin."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


class PurchaseState(AuthState):
    listing_id: int = 0
    # "buy" | "get" | "owned" | "own_listing" | "unavailable"
    action: str = "unavailable"
    price_label: str = ""
    test_payments: bool = False
    busy: bool = False
    error: str = ""

    @rx.event
    def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        self.error, self.busy, self.action = "", False, "unavailable"
        viewer = self.current_user()
        with session_scope() as session:
            try:
                listing = catalog.get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
            except ServiceError:
                self.listing_id = 0
                return
            self.listing_id = listing.id
            self.price_label = format_price(
                listing.price_cents, listing.currency, listing.pricing_model
            )
            if listing.status != "published":
                return
            free = listing.pricing_model == PricingModel.free or listing.price_cents == 0
            if viewer is not None and viewer.id == listing.seller_id:
                self.action = "own_listing"
            elif viewer is not None and access.owned_purchase(
                session=session, buyer_id=viewer.id, listing_id=listing.id
            ):
                self.action = "owned"
            else:
                self.action = "get" if free else "buy"
        self.test_payments = gateway_name() == "dummy"

    @rx.event
    def buy(self):
        self.error = ""
        user = self.current_user()
        if user is None:
            return rx.redirect(f"/signin?next={self.router.url.path}")
        self.busy = True
        yield
        try:
            start = checkout.begin_checkout(buyer_id=user.id, listing_id=self.listing_id)
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            if exc.code == "already_owned":
                self.action = "owned"
            return
        yield go_to(start.url)

    @rx.event
    def get_free(self):
        self.error = ""
        user = self.current_user()
        if user is None:
            return rx.redirect(f"/signin?next={self.router.url.path}")
        try:
            with session_scope() as session:
                checkout.claim_free(session=session, buyer=user, listing_id=self.listing_id)
        except ServiceError as exc:
            self.error = exc.message
            return
        self.action = "owned"
        return rx.redirect("/library")
