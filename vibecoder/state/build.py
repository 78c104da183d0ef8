"""/build and /build/[project]: the builder's view data, kept thin (pages, tails, small lists)."""

from __future__ import annotations

import asyncio
import itertools
import time

import reflex as rx

from vibecoder.builder.service import models as builder_models
from vibecoder.builder.service import runs as builder_runs
from vibecoder.builder.service.listing import (
    list_projects,
    restore_version_number,
)
from vibecoder.domain import dates
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState
from vibecoder.state.build_events import RunView
from vibecoder.state.build_views import (
    ChatItem,
    DraftStep,
    ModelOption,
    ProjectItem,
    StepItem,
    VersionItem,
    project_view,
)
from vibecoder.state.offloop import in_thread

# Streamed text reaches the browser at most every 80 ms: ~12 state updates a second however
# fast the model writes (tests/e2e/test_builder_progress.py counts the websocket frames).
FLUSH_SECONDS = 0.08
# A quiet stream is checked this often for a run that ended without its events (a dead worker).
POLL_SECONDS = 2.0
ACTIVE = ("queued", "awaiting_approval", "running")


_uids = itertools.count(1)


def _uid() -> str:
    return f"s{next(_uids)}"


def _tokens(n: int) -> str:
    return f"{n:,} token" + ("" if n == 1 else "s")


class BuildListState(AuthState):
    projects: list[ProjectItem] = []
    page: int = 1
    pages: int = 1
    signed_out: bool = False
    new_name: str = ""
    new_prompt: str = ""
    error: str = ""
    creating: bool = False
    model_options: list[ModelOption] = []
    default_model: str = ""

    async def _fill(self) -> None:
        page = self.page
        outcome = await self._call(
            lambda session, user: (
                list_projects(session, owner_id=user.id, page=page),
                dates.zone_of(session, user.id),
            ),
            error=None,
        )
        if outcome.signed_out:
            self.signed_out, self.projects = True, []
            return
        self.signed_out = False
        found, tz = outcome.value
        self.page, self.pages = found.page, found.pages
        self.projects = [
            ProjectItem(
                public_id=r.public_id,
                name=r.name,
                updated=dates.local(r.updated_at, tz),
                latest=f"v{r.latest_version}" if r.latest_version else "no version yet",
            )
            for r in found.rows
        ]

    @rx.event
    async def load(self):
        self.page, self.error = 1, ""
        choices = builder_models.model_choices()
        self.model_options = [ModelOption(key=c.key, label=c.label) for c in choices]
        self.default_model = choices[0].key
        await self._fill()

    @rx.event
    def set_default_model(self, key: str):
        self.default_model = key

    @rx.event
    async def go_to_page(self, page: int):
        self.page = page
        await self._fill()

    @rx.event
    async def create(self, form: dict):
        self.error = ""
        model_key = form.get("model") or self.default_model or None
        outcome = await self._call(
            lambda session, user: builder_runs.create_project(
                owner_id=user.id,
                name=form.get("name", ""),
                prompt=form.get("prompt", ""),
                model_key=model_key,
            )
        )
        if outcome.signed_out:
            return rx.redirect("/signin?next=/build")
        if not outcome.ok:
            return
        public_id, _ = outcome.value
        return rx.redirect(f"/build/{public_id}")


class BuildProjectState(AuthState):
    public_id: str = ""
    name: str = ""
    missing: bool = False
    tab: str = "preview"
    messages: list[ChatItem] = []
    run_id: str = ""
    run_status: str = ""
    run_error: str = ""
    architect: bool = False
    steps: list[StepItem] = []
    current_step: int = -1
    failed_step: int = -1
    # The streaming assistant bubble: the model's prose of the step under way, never its code.
    live_text: str = ""
    plan_draft: list[DraftStep] = []
    plan_error: str = ""
    model_key: str = ""
    model_options: list[ModelOption] = []
    model_offline: bool = False
    token_meter: str = ""
    versions: list[VersionItem] = []
    history_page: int = 1
    history_pages: int = 1
    latest_version: int = 0
    preview_version: int = 0
    following: bool = False
    error: str = ""
    # Why builds cannot run on this server ("" when bundler and renderer work): shown, not Send.
    tools_unavailable: str = ""
    # Backend only: which follower is current, when messages were read, the stored token total.
    _follow_gen: int = 0
    _messages_at: float = 0.0
    _draft_run: str = ""
    _project_tokens: int = 0

    @rx.var
    def progress_label(self) -> str:
        if self.run_status != "running" or not self.steps:
            return ""
        index = min(max(self.current_step, 0), len(self.steps) - 1)
        return f"Building step {index + 1} of {len(self.steps)}: {self.steps[index].name}"

    @rx.var
    def progress_value(self) -> int:
        if not self.steps:
            return 0
        done = sum(1 for s in self.steps if s.status == "done")
        return int(100 * done / len(self.steps))

    async def _user_id(self) -> int | None:
        user = await self._current_user()
        return user.id if user else None

    async def _reload_project(self, owner_id: int) -> bool:
        public_id, history_page = self.public_id, self.history_page
        view = await in_thread(
            lambda session: project_view(
                session, owner_id=owner_id, public_id=public_id, history_page=history_page
            )
        )
        if view is None:
            return False
        self.name = view.name
        self._messages_at = time.time()
        self.messages = view.messages
        self.history_pages, self.versions = view.history_pages, view.versions
        self.latest_version = view.latest_version
        self._project_tokens = view.project_tokens
        self.model_options = view.model_options
        self.model_key, self.model_offline = view.model_key, view.model_offline
        self.token_meter = f"{_tokens(self._project_tokens)} used by this project"
        return True

    def _apply_run(self, state: dict | None, live: dict[int, str] | None = None) -> None:
        if state is None:
            return
        live = live or {}
        self.run_status = state["status"]
        self.run_error = state.get("error") or ""
        self.architect = bool(state.get("architect"))
        purposes = {p["name"]: p.get("purpose", "") for p in state.get("plan") or []}
        steps = state.get("steps") or []
        items = []
        for index, step in enumerate(steps):
            status = step["status"]
            if status == "pending":
                status = live.get(index, "queued") if self.run_status == "running" else "queued"
                status = "queued" if status == "done" else status
            items.append(
                StepItem(name=step["name"], purpose=purposes.get(step["name"], ""), status=status)
            )
        if items != self.steps:
            self.steps = items
        pending = [i for i, s in enumerate(steps) if s["status"] != "done"]
        self.current_step = pending[0] if pending else len(steps) - 1
        failed = [i for i, s in enumerate(steps) if s["status"] == "failed"]
        self.failed_step = failed[0] if failed and self.run_status == "failed" else -1
        if self.run_status == "awaiting_approval" and self._draft_run != state["run_id"]:
            self._draft_run = state["run_id"]
            self.plan_error = ""
            self.plan_draft = [
                DraftStep(uid=_uid(), name=p["name"], purpose=p.get("purpose", ""))
                for p in state.get("plan") or []
            ]
        run_tokens = state["tokens_in"] + state["tokens_out"]
        # Until the run closes, its tokens are not in the project's stored total yet.
        unclosed = run_tokens - state.get("closed_tokens_in", 0) - state.get("closed_tokens_out", 0)
        meter = (
            f"{_tokens(run_tokens)} this run (budget {state.get('budget', 0):,}) · "
            f"{_tokens(self._project_tokens + max(unclosed, 0))} used by this project"
        )
        if meter != self.token_meter:
            self.token_meter = meter

    @rx.event
    async def load(self):
        self.public_id = self.router.page.params.get("project", "")
        self.tab, self.history_page, self.error, self.live_text = "preview", 1, "", ""
        self.run_id, self.run_status, self.steps, self.failed_step = "", "", [], -1
        self.plan_draft, self.plan_error, self._draft_run = [], "", ""
        owner_id = await self._user_id()
        if owner_id is None:
            return rx.redirect(f"/signin?next=/build/{self.public_id}")
        self.missing = not await self._reload_project(owner_id)
        if self.missing:
            return
        self.preview_version = self.latest_version
        public_id = self.public_id

        def latest_run(_session) -> tuple[str, dict | None]:
            run_id = builder_runs.latest_run_id(public_id)
            if not run_id:
                return "", None
            try:
                return run_id, builder_runs.run_state(
                    owner_id=owner_id, public_id=public_id, run_id=run_id
                )
            except ServiceError:
                return run_id, None

        run_id, state = await in_thread(latest_run)
        if state is not None:
            self.run_id = run_id
            self._apply_run(state)
        # A reload replays the run under way from its first event; an older follower stops.
        self.following = False
        if self.run_status in ACTIVE:
            return BuildProjectState.follow

    @rx.event(background=True)
    async def check_tools(self):
        from vibecoder.infra.capabilities import unavailable_reason

        reason = await asyncio.to_thread(unavailable_reason, "bundler", "renderer")
        async with self:
            self.tools_unavailable = reason

    @rx.event
    def set_tab(self, tab: str):
        self.tab = tab

    @rx.event
    def open_version(self, number: int):
        self.preview_version = number
        self.tab = "preview"

    @rx.event
    async def history_go(self, page: int):
        owner_id = await self._user_id()
        if owner_id is None:
            return
        self.history_page = max(1, min(page, self.history_pages))
        await self._reload_project(owner_id)

    @rx.event
    async def restore(self, number: int):
        public_id = self.public_id

        def restore(session, user) -> bool:
            project = builder_runs.owned_project(session, owner_id=user.id, public_id=public_id)
            return restore_version_number(session, project_id=project.id, number=number)

        outcome = await self._call(restore, error=None)
        if not outcome.ok or not outcome.value:
            return
        self.history_page = 1
        await self._reload_project(outcome.user.id)
        self.preview_version = self.latest_version
        return rx.toast.success(f"Restored version {number}.")

    @rx.event
    async def send(self, form: dict):
        self.error = ""
        public_id = self.public_id
        outcome = await self._call(
            lambda session, user: builder_runs.start_run(
                owner_id=user.id, public_id=public_id, prompt=form.get("prompt", "")
            )
        )
        if not outcome.ok:
            return
        self.run_id = outcome.value
        self.run_status, self.steps, self.live_text, self.failed_step = "queued", [], "", -1
        await self._reload_project(outcome.user.id)
        return BuildProjectState.follow

    # --- the plan card: edits stay in this tab until Approve sends them ---------------------

    def _draft_index(self, uid: str) -> int:
        return next((i for i, s in enumerate(self.plan_draft) if s.uid == uid), -1)

    def _edit_step(self, uid: str, **changes: str) -> None:
        self.plan_draft = [
            s.model_copy(update=changes) if s.uid == uid else s for s in self.plan_draft
        ]

    @rx.event
    def set_step_name(self, uid: str, value: str):
        self._edit_step(uid, name=value.strip()[:48])

    @rx.event
    def set_step_purpose(self, uid: str, value: str):
        self._edit_step(uid, purpose=value.strip()[:200])

    @rx.event
    def move_step(self, uid: str, delta: int):
        index = self._draft_index(uid)
        target = index + delta
        if index >= 0 and 0 <= target < len(self.plan_draft):
            draft = list(self.plan_draft)
            draft[index], draft[target] = draft[target], draft[index]
            self.plan_draft = draft

    @rx.event
    def remove_step(self, uid: str):
        self.plan_draft = [s for s in self.plan_draft if s.uid != uid]

    @rx.event
    def add_step(self):
        from vibecoder.builder.planning import MAX_PLAN_COMPONENTS

        if len(self.plan_draft) >= MAX_PLAN_COMPONENTS:
            self.plan_error = f"A plan has at most {MAX_PLAN_COMPONENTS} steps."
            return
        self.plan_draft = [*self.plan_draft, DraftStep(uid=_uid(), name="", purpose="")]

    @rx.event
    async def approve(self, form: dict | None = None):
        """Approve the plan as edited; the form carries what is typed but not yet blurred."""
        form = form or {}
        plan = [
            {
                "name": str(form.get(f"name-{s.uid}", s.name)).strip(),
                "purpose": str(form.get(f"purpose-{s.uid}", s.purpose)).strip(),
            }
            for s in self.plan_draft
        ]
        self.plan_error = ""
        # Events from here on are new to this page; the follower replays older ones silently.
        self._messages_at = time.time()
        public_id, run_id = self.public_id, self.run_id
        outcome = await self._call(
            lambda session, user: builder_runs.approve_plan(
                owner_id=user.id if user else 0,
                public_id=public_id,
                run_id=run_id,
                # An emptied plan is sent as such: the service refuses it with a clear error.
                plan=plan,
            ),
            error="plan_error",
            signed_in=False,
        )
        if not outcome.ok:
            return
        self.run_status = "running"
        self.steps = [StepItem(name=p["name"], purpose=p["purpose"]) for p in plan]
        self.current_step = 0
        return BuildProjectState.follow

    @rx.event
    async def cancel(self):
        public_id, run_id = self.public_id, self.run_id
        await self._call(
            lambda session, user: builder_runs.cancel_run(
                owner_id=user.id if user else 0, public_id=public_id, run_id=run_id
            ),
            signed_in=False,
        )

    @rx.event
    async def retry_step(self):
        self.error = ""
        self._messages_at = time.time()
        public_id, run_id = self.public_id, self.run_id
        outcome = await self._call(
            lambda session, user: builder_runs.retry_step(
                owner_id=user.id if user else 0, public_id=public_id, run_id=run_id
            ),
            signed_in=False,
        )
        if not outcome.ok:
            return
        self.run_status, self.run_error, self.failed_step = "running", "", -1
        self.current_step = outcome.value
        return BuildProjectState.follow

    @rx.event
    async def choose_model(self, key: str):
        self.error = ""
        public_id = self.public_id
        outcome = await self._call(
            lambda session, user: builder_models.set_project_model(
                owner_id=user.id if user else 0, public_id=public_id, key=key
            ),
            signed_in=False,
        )
        if not outcome.ok:
            return
        choice = outcome.value
        self.model_key, self.model_offline = choice.key, choice.offline
        return rx.toast.info(f"{choice.label}: used from the next run or retried step.")

    # --- following the run ------------------------------------------------------------------

    @rx.event(background=True)
    async def follow(self):
        """Replay the run's events from its start, then follow them; flush every FLUSH_SECONDS.

        Tokens are folded into RunView here and reach the page as one small var (`live_text`);
        a finished step is appended to `messages` once. Starting a follower retires any older
        one of this tab (a reload, a retry), so exactly one writes to the page.
        """
        from vibecoder.builder.runtime import EventStream, load_state

        async with self:
            self._follow_gen += 1
            generation = self._follow_gen
            self.following = True
            public_id, run_id, since = self.public_id, self.run_id, self._messages_at
        if not run_id:
            return
        client = get_redis()
        state = await asyncio.to_thread(load_state, client, run_id)
        cursor = (state or {}).get("first_event") or "0-0"
        stream = EventStream(client, public_id)
        view = RunView(run_id, live_since=since)
        last_flush = last_poll = 0.0
        try:
            while True:
                wait = FLUSH_SECONDS
                if view.dirty:
                    wait = max(0.005, FLUSH_SECONDS - (time.monotonic() - last_flush))
                events = await asyncio.to_thread(stream.wait, cursor, block_ms=int(wait * 1000))
                for event_id, event in events:
                    cursor = event_id
                    if event.get("run_id") == run_id:
                        view.apply(event)
                now = time.monotonic()
                quiet_check = not view.dirty and now - last_poll >= POLL_SECONDS
                if not view.dirty and not quiet_check:
                    continue
                if view.dirty and not view.finished and now - last_flush < FLUSH_SECONDS:
                    continue
                last_flush = last_poll = now
                if view.needs_state or quiet_check or view.finished:
                    state = await asyncio.to_thread(load_state, client, run_id)
                    view.needs_state = False
                    if quiet_check and (state is None or state["status"] not in ACTIVE):
                        view.finished_status = state["status"] if state else "gone"
                    elif view.finished and state is not None and state["status"] in ACTIVE:
                        view.finished_status = ""  # retried since that "done": follow on
                view.dirty = False
                async with self:
                    if self._follow_gen != generation or self.run_id != run_id:
                        return
                    await self._show_run(view, state)
                toasts = view.take_toasts()
                if toasts:
                    yield [self._toast(level, text) for level, text in toasts]
                if view.finished:
                    return
        finally:
            async with self:
                if self._follow_gen == generation:
                    self.following = False

    async def _show_run(self, view: RunView, state: dict | None) -> None:
        self._apply_run(state, view.live)
        text = view.text()
        if text != self.live_text:
            self.live_text = text
        for message in view.take_messages():
            self.messages.append(ChatItem(role="assistant", text=message))
        if view.latest_number > self.latest_version:
            self.latest_version = self.preview_version = view.latest_number
        if view.finished:
            self.live_text = ""
            owner_id = await self._user_id()
            if owner_id is not None:
                await self._reload_project(owner_id)
                self._apply_run(state, view.live)
            self.preview_version = self.latest_version

    @staticmethod
    def _toast(level: str, text: str):
        if level == "success":
            return rx.toast.success(text)
        if level == "error":
            return rx.toast.error(text, duration=15_000)
        if level == "step_failed":
            return rx.toast.error(
                text,
                duration=15_000,
                action={"label": "Retry step", "on_click": BuildProjectState.retry_step},
            )
        return rx.toast.info(text)
