"""/build and /build/[project]: the builder's view data, kept thin (pages, tails, small lists)."""

from __future__ import annotations

import asyncio
import itertools
import time

import reflex as rx
from pydantic import BaseModel

from vibecoder.builder.service import models as builder_models
from vibecoder.builder.service import runs as builder_runs
from vibecoder.builder.service.listing import (
    list_projects,
    recent_messages,
    versions_page,
)
from vibecoder.domain.errors import ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.infra.redis_client import get_redis
from vibecoder.models.builder import BuilderVersion
from vibecoder.state.auth import AuthState
from vibecoder.state.build_events import RunView

# Streamed text reaches the browser at most every 80 ms: ~12 state updates a second however
# fast the model writes (tests/e2e/test_builder_progress.py counts the websocket frames).
FLUSH_SECONDS = 0.08
# A quiet stream is checked this often for a run that ended without its events (a dead worker).
POLL_SECONDS = 2.0
HISTORY_PAGE_SIZE = 8
ACTIVE = ("queued", "awaiting_approval", "running")


class ProjectItem(BaseModel):
    public_id: str
    name: str
    updated: str
    latest: str


class ChatItem(BaseModel):
    role: str
    text: str


class StepItem(BaseModel):
    name: str
    purpose: str = ""
    status: str = "queued"  # queued | streaming | recovering | validating | done | failed


class DraftStep(BaseModel):
    """A plan step being edited; `uid` keys its row so inputs follow it when steps move."""

    uid: str
    name: str
    purpose: str


class ModelOption(BaseModel):
    key: str
    label: str


class VersionItem(BaseModel):
    number: int
    message: str
    when: str
    model: str
    tokens: int


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

    def _fill(self) -> None:
        user = self.refreshed_user()
        if user is None:
            self.signed_out, self.projects = True, []
            return
        self.signed_out = False
        with session_scope() as session:
            found = list_projects(session, owner_id=user.id, page=self.page)
        self.page, self.pages = found.page, found.pages
        self.projects = [
            ProjectItem(
                public_id=r.public_id,
                name=r.name,
                updated=r.updated_at.strftime("%Y-%m-%d %H:%M"),
                latest=f"v{r.latest_version}" if r.latest_version else "no version yet",
            )
            for r in found.rows
        ]

    @rx.event
    def load(self):
        self.page, self.error = 1, ""
        choices = builder_models.model_choices()
        self.model_options = [ModelOption(key=c.key, label=c.label) for c in choices]
        self.default_model = choices[0].key
        self._fill()

    @rx.event
    def set_default_model(self, key: str):
        self.default_model = key

    @rx.event
    def go_to_page(self, page: int):
        self.page = page
        self._fill()

    @rx.event
    def create(self, form: dict):
        user = self.refreshed_user()
        if user is None:
            return rx.redirect("/signin?next=/build")
        self.error = ""
        try:
            public_id, _ = builder_runs.create_project(
                owner_id=user.id,
                name=form.get("name", ""),
                prompt=form.get("prompt", ""),
                model_key=form.get("model") or self.default_model or None,
            )
        except ServiceError as exc:
            self.error = exc.message
            return
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

    def _user_id(self) -> int | None:
        user = self.refreshed_user()
        return user.id if user else None

    def _reload_project(self, owner_id: int) -> bool:
        with session_scope() as session:
            try:
                project = builder_runs.owned_project(
                    session, owner_id=owner_id, public_id=self.public_id
                )
            except ServiceError:
                return False
            self.name = project.name
            self._messages_at = time.time()
            self.messages = [
                ChatItem(role=role, text=text)
                for role, text in recent_messages(session, project_id=project.id)
            ]
            rows, total = versions_page(
                session, project_id=project.id, page=self.history_page, page_size=HISTORY_PAGE_SIZE
            )
            self.history_pages = max(1, -(-total // HISTORY_PAGE_SIZE))
            self.versions = [
                VersionItem(
                    number=v.number,
                    message=v.message,
                    when=v.created_at.strftime("%Y-%m-%d %H:%M"),
                    model=v.model,
                    tokens=v.tokens,
                )
                for v in rows
            ]
            current = (
                session.get(BuilderVersion, project.current_version_id)
                if project.current_version_id
                else None
            )
            self.latest_version = current.number if current else 0
            self._project_tokens = project.tokens_in + project.tokens_out
            choice = builder_models.choice_for(project.provider, project.model)
            self.model_options = [
                ModelOption(key=c.key, label=c.label) for c in builder_models.model_choices()
            ]
            self.model_key = choice.key if choice else ""
            self.model_offline = bool(choice and choice.offline)
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
    def load(self):
        self.public_id = self.router.page.params.get("project", "")
        self.tab, self.history_page, self.error, self.live_text = "preview", 1, "", ""
        self.run_id, self.run_status, self.steps, self.failed_step = "", "", [], -1
        self.plan_draft, self.plan_error, self._draft_run = [], "", ""
        owner_id = self._user_id()
        if owner_id is None:
            return rx.redirect(f"/signin?next=/build/{self.public_id}")
        self.missing = not self._reload_project(owner_id)
        if self.missing:
            return
        self.preview_version = self.latest_version
        run_id = builder_runs.latest_run_id(self.public_id)
        if run_id:
            try:
                state = builder_runs.run_state(
                    owner_id=owner_id, public_id=self.public_id, run_id=run_id
                )
            except ServiceError:
                state = None
            if state is not None:
                self.run_id = run_id
                self._apply_run(state)
        # A reload replays the run under way from its first event; an older follower stops.
        self.following = False
        if self.run_status in ACTIVE:
            return BuildProjectState.follow

    @rx.event
    def set_tab(self, tab: str):
        self.tab = tab

    @rx.event
    def open_version(self, number: int):
        self.preview_version = number
        self.tab = "preview"

    @rx.event
    def history_go(self, page: int):
        owner_id = self._user_id()
        if owner_id is None:
            return
        self.history_page = max(1, min(page, self.history_pages))
        self._reload_project(owner_id)

    @rx.event
    def restore(self, number: int):
        from vibecoder.builder.service.projects import restore_version

        owner_id = self._user_id()
        if owner_id is None:
            return
        with session_scope() as session:
            try:
                project = builder_runs.owned_project(
                    session, owner_id=owner_id, public_id=self.public_id
                )
            except ServiceError:
                return
            from sqlmodel import select

            old = session.exec(
                select(BuilderVersion).where(
                    BuilderVersion.project_id == project.id, BuilderVersion.number == number
                )
            ).first()
            if old is None:
                return
            restore_version(session=session, project_id=project.id, version_id=old.id)
        self.history_page = 1
        self._reload_project(owner_id)
        self.preview_version = self.latest_version
        return rx.toast.success(f"Restored version {number}.")

    @rx.event
    def send(self, form: dict):
        owner_id = self._user_id()
        if owner_id is None:
            return
        self.error = ""
        try:
            self.run_id = builder_runs.start_run(
                owner_id=owner_id, public_id=self.public_id, prompt=form.get("prompt", "")
            )
        except ServiceError as exc:
            self.error = exc.message
            return
        self.run_status, self.steps, self.live_text, self.failed_step = "queued", [], "", -1
        self._reload_project(owner_id)
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
    def approve(self, form: dict | None = None):
        """Approve the plan as edited; the form carries what is typed but not yet blurred."""
        owner_id = self._user_id()
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
        try:
            builder_runs.approve_plan(
                owner_id=owner_id or 0,
                public_id=self.public_id,
                run_id=self.run_id,
                # An emptied plan is sent as such: the service refuses it with a clear error.
                plan=plan,
            )
        except ServiceError as exc:
            self.plan_error = exc.message
            return
        self.run_status = "running"
        self.steps = [StepItem(name=p["name"], purpose=p["purpose"]) for p in plan]
        self.current_step = 0
        return BuildProjectState.follow

    @rx.event
    def cancel(self):
        owner_id = self._user_id()
        try:
            builder_runs.cancel_run(
                owner_id=owner_id or 0, public_id=self.public_id, run_id=self.run_id
            )
        except ServiceError as exc:
            self.error = exc.message

    @rx.event
    def retry_step(self):
        owner_id = self._user_id()
        self.error = ""
        self._messages_at = time.time()
        try:
            index = builder_runs.retry_step(
                owner_id=owner_id or 0, public_id=self.public_id, run_id=self.run_id
            )
        except ServiceError as exc:
            self.error = exc.message
            return
        self.run_status, self.run_error, self.failed_step = "running", "", -1
        self.current_step = index
        return BuildProjectState.follow

    @rx.event
    def choose_model(self, key: str):
        owner_id = self._user_id()
        self.error = ""
        try:
            choice = builder_models.set_project_model(
                owner_id=owner_id or 0, public_id=self.public_id, key=key
            )
        except ServiceError as exc:
            self.error = exc.message
            return
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
                    self._show(view, state)
                toasts = view.take_toasts()
                if toasts:
                    yield [self._toast(level, text) for level, text in toasts]
                if view.finished:
                    return
        finally:
            async with self:
                if self._follow_gen == generation:
                    self.following = False

    def _show(self, view: RunView, state: dict | None) -> None:
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
            owner_id = self._user_id()
            if owner_id is not None:
                self._reload_project(owner_id)
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
