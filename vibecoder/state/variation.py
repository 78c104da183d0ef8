"""The listing page's "Preview a variation" panel: describe a tweak, watch the builder's steps,
see the result beside the original on the preview origin.

Only the view travels to the browser (step names and states, two signed preview links, the
expiry): never the variation's code, which stays locked until the listing is bought.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import reflex as rx
from pydantic import BaseModel

from vibecoder.builder.service import variations as service
from vibecoder.state.auth import AuthState

if TYPE_CHECKING:
    from sqlmodel import Session

    from vibecoder.models.users import User

POLL_SECONDS = 0.5
# A tab stops polling a variation that has not finished by then (a worker lost its task);
# reloading the page follows it again.
FOLLOW_SECONDS = 900
FINAL = ("done", "failed", "cancelled", "budget_exceeded", "refused", "answered")
STATUS_LABELS = {
    "preparing": "Preparing a private copy of the listing…",
    "queued": "Queued for the builder…",
    "running": "The builder is changing the page…",
    "done": "Your variation is ready.",
    "failed": "The variation failed.",
    "budget_exceeded": "The variation ran out of its token budget.",
    "cancelled": "The variation was cancelled.",
    "refused": "The builder refused this request.",
    "answered": "The builder answered instead of changing the page; describe a change.",
}


class VariationStep(BaseModel):
    name: str
    status: str


class VariationState(AuthState):
    # The panel: shown on web listings; `enabled` when a variation may be started.
    web: bool = False
    enabled: bool = False
    reason: str = ""
    signed_in: bool = False
    listing_id: int = 0
    prompt: str = ""
    error: str = ""
    starting: bool = False
    following: bool = False
    # The visitor's current variation.
    public_id: str = ""
    status: str = ""
    run_error: str = ""
    steps: list[VariationStep] = []
    tokens: str = ""
    original_url: str = ""
    variation_url: str = ""
    variation_number: int = 0
    kept_until: str = ""
    unlocked: bool = False
    _follow_gen: int = 0

    @rx.var
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @rx.var
    def working(self) -> bool:
        return self.public_id != "" and self.status not in FINAL

    @rx.event
    async def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        self.error, self.prompt, self.starting = "", "", False
        self._clear()

        def panel(session: Session, viewer: User | None):
            from vibecoder.domain.catalog.listings import get_listing_for_viewer
            from vibecoder.errors import NotFound

            try:
                listing = get_listing_for_viewer(session=session, slug=slug, viewer=viewer)
            except NotFound:
                return None
            offer = service.offer(session, listing_id=listing.id)
            latest = (
                service.latest_variation_id(session, user_id=viewer.id, listing_id=listing.id)
                if viewer is not None
                else None
            )
            return listing.id, offer, latest

        outcome = await self._call(panel, error=None, signed_in=False)
        self.signed_in = outcome.user is not None
        if outcome.value is None:
            self.web = self.enabled = False
            return
        self.listing_id, offer, latest = outcome.value
        self.web, self.enabled, self.reason = offer.web, offer.enabled, offer.reason
        if latest:
            self.public_id = latest
            return VariationState.follow

    def _clear(self) -> None:
        self.public_id = self.status = self.run_error = self.tokens = ""
        self.original_url = self.variation_url = self.kept_until = ""
        self.variation_number = 0
        self.steps, self.unlocked = [], False

    @rx.event
    def set_prompt(self, value: str):
        self.prompt = value

    @rx.event
    async def start(self, form: dict):
        self.error = ""
        prompt = str(form.get("prompt") or self.prompt or "")
        listing_id = self.listing_id
        self.starting = True
        yield
        outcome = await self._call(
            lambda session, user: service.start_variation(
                session=session, user=user, listing_id=listing_id, prompt=prompt
            )
        )
        self.starting = False
        if outcome.signed_out:
            yield self._signin_redirect()
            return
        if not outcome.ok:
            return
        self._clear()
        self.public_id, self.status = outcome.value, "preparing"
        yield VariationState.follow

    @rx.event(background=True)
    async def follow(self):
        """Poll the variation's view until its run ends; one follower per tab at a time."""
        async with self:
            self._follow_gen += 1
            generation = self._follow_gen
            self.following = True
            public_id = self.public_id
        polls = int(FOLLOW_SECONDS / POLL_SECONDS)
        try:
            while public_id and polls > 0:
                polls -= 1
                outcome = await self._call(
                    lambda session, user: service.variation_view(
                        session, user_id=user.id, public_id=public_id
                    ),
                    error=None,
                )
                async with self:
                    if self._follow_gen != generation or self.public_id != public_id:
                        return
                    if not outcome.ok:
                        self._clear()
                        return
                    view = outcome.value
                    self.status, self.run_error = view.status, view.error
                    steps = [VariationStep(name=s.name, status=s.status) for s in view.steps]
                    if steps != self.steps:
                        self.steps = steps
                    self.tokens = (
                        f"{view.tokens:,} of {view.budget:,} tokens" if view.tokens else ""
                    )
                    # A link is signed anew on every poll (its expiry moves): the frames get a
                    # new one only for another page, or they would reload on every poll.
                    if bool(view.original_url) != bool(self.original_url):
                        self.original_url = view.original_url
                    if view.variation_number != self.variation_number:
                        self.variation_number = view.variation_number
                        self.variation_url = view.variation_url
                    self.kept_until, self.unlocked = view.kept_until, view.unlocked
                    finished = view.status in FINAL
                if finished:
                    return
                await asyncio.sleep(POLL_SECONDS)
        finally:
            async with self:
                if self._follow_gen == generation:
                    self.following = False


class VariationSwitchState(AuthState):
    """The listing editor's switch: may visitors preview variations of this listing?"""

    switch_listing_id: int = 0
    variations_enabled: bool = True
    switch_error: str = ""

    @rx.event
    async def load_switch(self):
        raw = str(self.router.page.params.get("listing_id", ""))
        self.switch_error, self.switch_listing_id = "", 0
        if not raw.isdigit():
            return
        listing_id = int(raw)

        def current(session: Session, user: User) -> bool:
            from vibecoder.domain.catalog.listings import get_own_listing

            return get_own_listing(
                session=session, seller=user, listing_id=listing_id
            ).variations_enabled

        outcome = await self._call(current, error=None)
        if outcome.ok:
            self.switch_listing_id, self.variations_enabled = listing_id, bool(outcome.value)

    @rx.event
    async def toggle(self, enabled: bool):
        from vibecoder.domain.catalog.variations import set_variations_enabled

        listing_id = self.switch_listing_id
        self.switch_error = ""
        outcome = await self._call(
            lambda session, user: set_variations_enabled(
                session=session, seller=user, listing_id=listing_id, enabled=bool(enabled)
            ),
            error="switch_error",
        )
        if outcome.ok:
            self.variations_enabled = bool(outcome.value)
            return rx.toast.success(
                "Visitors can preview variations of this listing."
                if self.variations_enabled
                else "Variations are off for this listing."
            )
