"""The Buy / Get button of a listing page: what the viewer can do, and starting checkout."""

from __future__ import annotations

import json

import reflex as rx

from vibecoder.domain.commerce import checkout
from vibecoder.domain.commerce.gateways import gateway_name
from vibecoder.domain.commerce.offers import offer_for
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
    async def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        self.error, self.busy, self.action = "", False, "unavailable"
        outcome = await self._call(
            lambda session, viewer: offer_for(session=session, slug=slug, viewer=viewer),
            signed_in=False,
        )
        offer = outcome.value
        self.listing_id = offer.listing_id
        if not offer.listing_id:
            return
        self.price_label, self.action = offer.price_label, offer.action
        self.test_payments = gateway_name() == "dummy"

    @rx.event
    async def buy(self):
        self.error = ""
        self.busy = True
        yield
        listing_id = self.listing_id
        # Checkout talks to the payment gateway over the network: in the worker thread.
        outcome = await self._call(
            lambda session, user: checkout.begin_checkout(buyer_id=user.id, listing_id=listing_id)
        )
        if outcome.signed_out:
            self.busy = False
            yield self._signin_redirect()
            return
        if not outcome.ok:
            self.busy = False
            if outcome.error.code == "already_owned":
                self.action = "owned"
            return
        yield go_to(outcome.value.url)

    @rx.event
    async def get_free(self):
        self.error = ""
        listing_id = self.listing_id
        outcome = await self._call(
            lambda session, user: checkout.claim_free(
                session=session, buyer=user, listing_id=listing_id
            )
        )
        if outcome.signed_out:
            return self._signin_redirect()
        if not outcome.ok:
            return
        self.action = "owned"
        return rx.redirect("/library")
