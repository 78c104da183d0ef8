"""The "Run in sandbox" panel of a listing page."""

from __future__ import annotations

import asyncio
import shlex

import reflex as rx

from vibecoder.domain.accounts import auth
from vibecoder.domain.sandbox_runs.panel import panel_for, view_of_run
from vibecoder.domain.sandbox_runs.runs import RunView, request_run, request_visitor_test_run
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState
from vibecoder.state.offloop import in_thread

POLL_SECONDS = 0.25
WAIT_LIMIT_SECONDS = 60


class SandboxPanelState(AuthState):
    listing_id: int = 0
    entry_points: list[str] = []
    entry_point: str = ""
    stdin: str = ""
    args: str = ""
    running: bool = False
    status: str = ""
    error: str = ""
    result: RunView | None = None
    tests: RunView | None = None
    has_tests: bool = False

    @rx.event
    async def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        self.result, self.error, self.status, self.running = None, "", "", False
        outcome = await self._call(
            lambda session, viewer: panel_for(session=session, slug=slug, viewer=viewer),
            signed_in=False,
        )
        panel = outcome.value
        self.listing_id, self.entry_points = panel.listing_id, panel.entry_points
        if not panel.listing_id:
            return
        self.tests, self.has_tests = panel.tests, panel.has_tests
        self.entry_point, self.args, self.stdin = panel.entry_point, panel.args, panel.stdin
        if self.tests and self.tests.status in ("queued", "running"):
            return SandboxPanelState.watch_tests(self.tests.public_id)

    @rx.event
    def set_entry_point(self, value: str):
        self.entry_point = value

    @rx.event
    def set_stdin(self, value: str):
        self.stdin = value

    @rx.event
    def set_args(self, value: str):
        self.args = value

    @rx.event
    async def start(self):
        self.error = ""
        try:
            args = shlex.split(self.args)
        except ValueError:
            self.error = "Arguments: check your quotes."
            return
        run_request = {
            "listing_id": self.listing_id,
            "ip": self.client_ip(),
            "entry_point": self.entry_point,
            "starter": self.router.session.client_token,
            "stdin": self.stdin,
            "args": args,
        }
        outcome = await self._call(
            lambda session, viewer: (
                request_run(
                    session=session, redis_client=get_redis(), viewer=viewer, **run_request
                ).public_id
            ),
            signed_in=False,
        )
        if not outcome.ok:
            return
        public_id = outcome.value
        self.running, self.status, self.result = True, "queued", None
        return SandboxPanelState.watch(public_id)

    @rx.event
    async def start_tests(self):
        """The latest version's own tests, run now for this visitor (on their sandbox quota)."""
        self.error = ""
        listing_id, ip = self.listing_id, self.client_ip()
        starter = self.router.session.client_token
        outcome = await self._call(
            lambda session, viewer: (
                request_visitor_test_run(
                    session=session,
                    redis_client=get_redis(),
                    listing_id=listing_id,
                    viewer=viewer,
                    ip=ip,
                    starter=starter,
                ).public_id
            ),
            signed_in=False,
        )
        if not outcome.ok:
            return
        self.running, self.status, self.result = True, "queued", None
        return SandboxPanelState.watch(outcome.value)

    @rx.event(background=True)
    async def watch_tests(self, public_id: str):
        """Keep the verified badge current while a just-published version's tests run."""
        waited = 0.0
        while waited < WAIT_LIMIT_SECONDS:
            await asyncio.sleep(1.0)
            waited += 1.0
            view = await in_thread(
                lambda session: view_of_run(session=session, public_id=public_id, viewer=None)
            )
            if view is None:
                return
            async with self:
                self.tests = view
            if view.status not in ("queued", "running"):
                return

    @rx.event(background=True)
    async def watch(self, public_id: str):
        """Follow a run through the worker's Redis events; read the stored result on each."""
        import redis.asyncio as aioredis

        from vibecoder.domain.sandbox_runs.runs import EVENTS_CHANNEL
        from vibecoder.infra.redis_client import redis_url

        client = aioredis.from_url(redis_url())
        pubsub = client.pubsub()
        await pubsub.subscribe(EVENTS_CHANNEL.format(public_id=public_id))
        deadline = asyncio.get_running_loop().time() + WAIT_LIMIT_SECONDS
        try:
            # Read first: the run may have finished before we subscribed.
            async with self:
                hashed, starter = self._session_hash(), self.router.session.client_token

            def look(session):
                # Only the run's starter (its account, or this visitor session) sees its output.
                viewer = (
                    auth.user_for_session_hash(session=session, hashed=hashed) if hashed else None
                )
                return view_of_run(
                    session=session, public_id=public_id, viewer=viewer, starter=starter
                )

            while asyncio.get_running_loop().time() < deadline:
                view = await in_thread(look)
                if view is None:
                    break
                if view.status != self.status:
                    async with self:
                        self.status = view.status
                if view.status in ("done", "failed", "refused"):
                    async with self:
                        self.result, self.running = view, False
                        if view.status != "done":
                            self.error = view.error or "The run could not start."
                    return
                await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_SECONDS * 4)
        finally:
            await pubsub.unsubscribe()
            await client.aclose()
        async with self:
            self.running = False
            self.error = "The sandbox is busy; your run is still queued. Try again shortly."
