"""/build and /build/[project]: the builder's view data, kept thin (pages, tails, small lists)."""

from __future__ import annotations

import asyncio
import time

import reflex as rx
from pydantic import BaseModel

from vibecoder.db import session_scope
from vibecoder.models.builder import BuilderVersion
from vibecoder.services import builder_runs
from vibecoder.services.builder_listing import (
    list_projects,
    recent_messages,
    version_file_paths,
    version_file_text,
    versions_page,
)
from vibecoder.services.errors import ServiceError
from vibecoder.services.redis_client import get_redis
from vibecoder.settings import get_settings
from vibecoder.state.auth import AuthState

FLUSH_SECONDS = 0.075  # token text reaches the browser at most ~13 times a second
TAIL_CHARS = 1200
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
    status: str = "queued"


class VersionItem(BaseModel):
    number: int
    message: str
    when: str
    model: str
    tokens: int


def _signature(state: dict | None) -> str:
    if state is None:
        return "gone"
    steps = ",".join(s["status"] for s in state.get("steps") or [])
    return f"{state['status']}|{len(state.get('plan') or [])}|{steps}"


class BuildListState(AuthState):
    projects: list[ProjectItem] = []
    page: int = 1
    pages: int = 1
    signed_out: bool = False
    new_name: str = ""
    new_prompt: str = ""
    error: str = ""
    creating: bool = False

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
        self._fill()

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
                owner_id=user.id, name=form.get("name", ""), prompt=form.get("prompt", "")
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
    stream_tail: str = ""
    versions: list[VersionItem] = []
    history_page: int = 1
    history_pages: int = 1
    latest_version: int = 0
    preview_version: int = 0
    following: bool = False
    error: str = ""
    # Code tab: the paths of the previewed version and the one file shown.
    code_paths: list[str] = []
    code_path: str = ""
    code: str = ""

    @rx.var
    def preview_url(self) -> str:
        if not self.preview_version:
            return ""
        base = get_settings().public_api_url
        return f"{base}/preview/{self.public_id}/{self.preview_version}/"

    @rx.var
    def progress_label(self) -> str:
        if self.run_status != "running" or not self.steps:
            return ""
        index = max(self.current_step, 0)
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
        return True

    def _apply_run(self, state: dict | None) -> None:
        if state is None:
            return
        self.run_status = state["status"]
        self.run_error = state.get("error") or ""
        self.architect = bool(state.get("architect"))
        purposes = {p["name"]: p.get("purpose", "") for p in state.get("plan") or []}
        if state.get("steps"):
            self.steps = [
                StepItem(name=s["name"], purpose=purposes.get(s["name"], ""), status=s["status"])
                for s in state["steps"]
            ]
        else:
            self.steps = [StepItem(name=n, purpose=p) for n, p in purposes.items()]
        running = [i for i, s in enumerate(state.get("steps") or []) if s["status"] != "done"]
        self.current_step = running[0] if running else len(self.steps) - 1

    @rx.event
    def load(self):
        self.public_id = self.router.page.params.get("project", "")
        self.tab, self.history_page, self.error, self.stream_tail = "preview", 1, "", ""
        self.run_id, self.run_status, self.steps = "", "", []
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
        if self.run_status in ACTIVE and not self.following:
            return BuildProjectState.follow

    @rx.event
    def set_tab(self, tab: str):
        self.tab = tab
        if tab == "code":
            self._load_code(self.code_path or "src/App.jsx")

    def _load_code(self, path: str) -> None:
        owner_id = self._user_id()
        self.code_paths, self.code = [], ""
        if owner_id is None or not self.preview_version:
            return
        with session_scope() as session:
            try:
                project = builder_runs.owned_project(
                    session, owner_id=owner_id, public_id=self.public_id
                )
            except ServiceError:
                return
            self.code_paths = version_file_paths(
                session, project_id=project.id, number=self.preview_version
            )
            if path not in self.code_paths and self.code_paths:
                path = self.code_paths[0]
            self.code_path = path
            self.code = (
                version_file_text(
                    session, project_id=project.id, number=self.preview_version, path=path
                )
                or ""
            )

    @rx.event
    def show_file(self, path: str):
        self._load_code(path)

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
        from vibecoder.services.builder_projects import restore_version

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
        self.run_status, self.steps, self.stream_tail = "queued", [], ""
        self._reload_project(owner_id)
        if not self.following:
            return BuildProjectState.follow

    @rx.event
    def approve(self):
        owner_id = self._user_id()
        try:
            builder_runs.approve_plan(
                owner_id=owner_id or 0, public_id=self.public_id, run_id=self.run_id
            )
        except ServiceError as exc:
            self.error = exc.message

    @rx.event
    def cancel(self):
        owner_id = self._user_id()
        try:
            builder_runs.cancel_run(
                owner_id=owner_id or 0, public_id=self.public_id, run_id=self.run_id
            )
        except ServiceError as exc:
            self.error = exc.message

    @rx.event(background=True)
    async def follow(self):
        """Follow the project's event stream; flush buffered text and run state every ~75 ms."""
        from vibecoder.builder.runtime import EventStream, load_state

        async with self:
            if self.following:
                return
            self.following = True
            public_id, run_id = self.public_id, self.run_id
        client = get_redis()
        stream = EventStream(client, public_id)
        cursor, buffer, toasts, last_flush = "$", "", [], 0.0
        finished, recovering, last_seen = False, set(), ""
        try:
            while not finished:
                events = await asyncio.to_thread(
                    stream.wait, cursor, block_ms=int(FLUSH_SECONDS * 1000)
                )
                for event_id, event in events:
                    cursor = event_id
                    if event.get("run_id") not in (None, run_id):
                        continue
                    kind = event["type"]
                    if kind == "token":
                        buffer += event.get("text", "")
                    elif kind == "step_started":
                        buffer = ""
                    elif kind == "continuation":
                        attempt = event.get("attempt", 1)
                        recovering.add(event.get("component"))
                        toasts.append(
                            ("info", f"Auto-fixing truncated code (attempt {attempt}/3)…")
                        )
                    elif kind == "version_created" and event.get("component") in recovering:
                        recovering.discard(event.get("component"))
                        toasts.append(("success", "Code recovered"))
                    elif kind == "done":
                        finished = True
                now = time.monotonic()
                if events and (now - last_flush >= FLUSH_SECONDS or finished):
                    last_flush = now
                    state = await asyncio.to_thread(load_state, client, run_id)
                    async with self:
                        if self.run_id != run_id or self.public_id != public_id:
                            return
                        self._apply_run(state)
                        self.stream_tail = buffer[-TAIL_CHARS:]
                        if finished or (state and state["status"] not in ACTIVE):
                            finished = True
                            owner_id = self._user_id()
                            if owner_id is not None:
                                self._reload_project(owner_id)
                            self.preview_version = self.latest_version
                        pending, toasts = toasts, []
                    for level, text in pending:
                        yield rx.toast.success(text) if level == "success" else rx.toast.info(text)
                elif not events:
                    # Quiet stream: events sent before this task subscribed are not replayed
                    # by "$", so pick up the run state when it changed (plan ready, run over).
                    state = await asyncio.to_thread(load_state, client, run_id)
                    seen = _signature(state)
                    if seen != last_seen:
                        last_seen = seen
                        async with self:
                            if self.run_id != run_id or self.public_id != public_id:
                                return
                            self._apply_run(state)
                            if state is None or state["status"] not in ACTIVE:
                                owner_id = self._user_id()
                                if owner_id is not None:
                                    self._reload_project(owner_id)
                                self.preview_version = self.latest_version
                    if state is None or state["status"] not in ACTIVE:
                        finished = True
        finally:
            async with self:
                self.following = False
