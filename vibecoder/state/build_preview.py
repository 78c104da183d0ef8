"""/build/[project]: the Preview and Code tabs and "Sell this" (a substate of the builder page).

The browser's shadow tester: the version to show next (`candidate_version`) first loads in a
hidden iframe; its page reports ready or error (vibecoder/builder/service/preview.py), which
assets/builder_preview.js forwards into `bridge`. Only "ready" makes it the visible version;
on error the visible one stays and the error is shown. While a run builds, every version a
finished step made (validated on the server first) becomes the candidate, so the page grows
component by component.
"""

from __future__ import annotations

import json

import reflex as rx
from pydantic import BaseModel

from vibecoder.builder.service import runs as builder_runs
from vibecoder.builder.service.listing import (
    current_version_number,
    version_file_paths,
    version_file_text,
)
from vibecoder.builder.service.preview import preview_url
from vibecoder.domain.accounts import auth
from vibecoder.domain.catalog.code_viewer import HIGHLIGHT_NAMES
from vibecoder.domain.catalog.languages import detect_language
from vibecoder.domain.errors import PermissionDenied, ServiceError
from vibecoder.infra.db import session_scope
from vibecoder.settings import get_settings
from vibecoder.state.build import BuildProjectState
from vibecoder.state.offloop import in_thread

VIEWPORT_WIDTHS = {"mobile": "375px", "tablet": "768px", "desktop": "100%"}
MAX_ERROR_CHARS = 1000


class TreeItem(BaseModel):
    path: str
    name: str
    depth: int
    is_dir: bool


def tree_items(paths: list[str]) -> list[TreeItem]:
    """Sorted paths as a tree: each folder once, before its files, indented by depth."""
    items: list[TreeItem] = []
    seen: set[str] = set()
    for path in sorted(paths, key=lambda p: (p.split("/")[:-1], p)):
        parts = path.split("/")
        for depth in range(len(parts) - 1):
            folder = "/".join(parts[: depth + 1])
            if folder not in seen:
                seen.add(folder)
                items.append(TreeItem(path=folder, name=parts[depth], depth=depth, is_dir=True))
        items.append(TreeItem(path=path, name=parts[-1], depth=len(parts) - 1, is_dir=False))
    return items


def _current_number(public_id: str) -> int:
    # A computed var (Reflex computes those synchronously): one indexed lookup by public id.
    with session_scope() as session:
        return current_version_number(session, public_id=public_id)


class BuildPreviewState(BuildProjectState):
    shown_project: str = ""
    shown_version: int = 0
    failed_version: int = 0
    shadow_error: str = ""
    runtime_error: str = ""
    runtime_version: int = 0
    viewport: str = "desktop"
    # Code tab: the tree of one version and the one file open.
    tree: list[TreeItem] = []
    tree_version: int = 0
    open_path: str = ""
    open_text: str = ""
    open_language: str = "jsx"
    # "Sell this"
    # The signed-in viewer (backend only): preview links are signed for them.
    _viewer_id: int = 0
    sell_error: str = ""
    sell_needs_seller: bool = False
    selling: bool = False

    @rx.var
    def candidate_version(self) -> int:
        """The version the preview should show: the newest built one while a run builds."""
        if self.missing or not self.public_id:
            return 0
        if self.run_status == "running" and any(s.status == "done" for s in self.steps):
            return _current_number(self.public_id) or self.preview_version
        return self.preview_version

    @rx.var
    def visible_url(self) -> str:
        if not self.shown_version or not self._viewer_id:
            return ""
        return preview_url(
            public_id=self.public_id, number=self.shown_version, user_id=self._viewer_id
        )

    @rx.var
    def shadow_url(self) -> str:
        number = self.candidate_version
        if not number or number in (self.shown_version, self.failed_version):
            return ""
        if not self._viewer_id:
            return ""
        return preview_url(public_id=self.public_id, number=number, user_id=self._viewer_id)

    @rx.var
    def frame_width(self) -> str:
        return VIEWPORT_WIDTHS.get(self.viewport, "100%")

    @rx.var
    def zip_url(self) -> str:
        if not self.tree_version:
            return ""
        base = get_settings().public_api_url
        return f"{base}/api/build/{self.public_id}/{self.tree_version}/zip"

    @rx.event
    async def load_preview(self):
        # Preview links are signed for the viewer (the preview origin never sees the cookie).
        viewer = await self._current_user()
        self._viewer_id = viewer.id if viewer else 0
        project = self.router.page.params.get("project", "")
        if project != self.shown_project:
            # Another project: nothing of the last one may stay on screen.
            self.shown_project, self.shown_version, self.viewport = project, 0, "desktop"
        self.failed_version, self.shadow_error = 0, ""
        self.runtime_error, self.runtime_version = "", 0
        self.sell_error, self.sell_needs_seller = "", False
        self.tree, self.tree_version, self.open_path, self.open_text = [], 0, "", ""

    @rx.event
    def bridge(self, value: str):
        """A message of a preview iframe, forwarded by assets/builder_preview.js."""
        try:
            message = json.loads(value)
            role, version = str(message["role"]), int(message["version"])
            kind, text = str(message["kind"]), str(message.get("message", ""))[:MAX_ERROR_CHARS]
        except (ValueError, KeyError, TypeError):
            return
        if role == "shadow":
            if version != self.candidate_version or version in (
                self.shown_version,
                self.failed_version,
            ):
                return  # a late message of a candidate already decided
            if kind == "ready":
                self.shown_version, self.shadow_error = version, ""
                self.runtime_error, self.runtime_version = "", 0
            elif kind == "error":
                self.failed_version = version
                kept = (
                    f", so version {self.shown_version} stays on screen"
                    if self.shown_version
                    else ""
                )
                self.shadow_error = f"Version {version} did not load in the preview{kept}: {text}"
        elif role == "visible" and kind == "error" and version == self.shown_version:
            self.runtime_error, self.runtime_version = text, version

    @rx.event
    def set_viewport(self, value: str | list[str]):
        value = value if isinstance(value, str) else (value[0] if value else "desktop")
        self.viewport = value if value in VIEWPORT_WIDTHS else "desktop"

    @rx.event
    def dismiss_shadow_error(self):
        self.shadow_error = ""

    @rx.event
    def fix_with_ai(self):
        if not self.runtime_error:
            return
        prompt = (
            f"The preview of version {self.runtime_version} shows this runtime error. "
            f"Fix it:\n\n{self.runtime_error}"
        )
        self.runtime_error = ""
        # The chat's own send: the same checks, run start and stream follower as a typed prompt.
        return BuildProjectState.send({"prompt": prompt})

    # --- Code tab ---------------------------------------------------------------------------

    async def _owned_project_id(self) -> int | None:
        public_id = self.public_id
        outcome = await self._call(
            lambda session, user: (
                builder_runs.owned_project(session, owner_id=user.id, public_id=public_id).id
            ),
            error=None,
        )
        return outcome.value if outcome.ok else None

    @rx.event
    async def load_code(self):
        """The tree of the version on screen (the previewed one before the first swap)."""
        number = self.shown_version or self.preview_version
        project_id = await self._owned_project_id()
        self.tree, self.tree_version = [], 0
        if project_id is None or not number:
            return
        paths = await in_thread(
            lambda session: version_file_paths(session, project_id=project_id, number=number)
        )
        self.tree, self.tree_version = tree_items(paths), number
        keep = self.open_path if self.open_path in paths else ""
        await self._open(
            project_id, keep or ("src/App.jsx" if "src/App.jsx" in paths else paths[0])
        )

    async def _open(self, project_id: int, path: str) -> None:
        number = self.tree_version
        text = await in_thread(
            lambda session: version_file_text(
                session, project_id=project_id, number=number, path=path
            )
        )
        if text is None:
            return
        self.open_path, self.open_text = path, text
        self.open_language = HIGHLIGHT_NAMES.get(detect_language(path), "text")

    @rx.event
    async def open_file(self, path: str):
        project_id = await self._owned_project_id()
        if project_id is not None and self.tree_version:
            await self._open(project_id, path)

    # --- "Sell this" ------------------------------------------------------------------------

    @rx.event
    async def sell(self):
        async for update in self._sell_as_user(promote=False):
            yield update

    @rx.event
    async def become_seller_and_sell(self):
        async for update in self._sell_as_user(promote=True):
            yield update

    async def _sell_as_user(self, *, promote: bool):
        from vibecoder.builder.service.export import sell_project

        public_id = self.public_id
        if await self._current_user() is None:
            yield rx.redirect(f"/signin?next=/build/{public_id}")
            return
        self.sell_error, self.sell_needs_seller = "", False
        self.selling = True
        yield

        def sell(session, user):
            if promote:
                auth.become_seller(session=session, user=user)
            return sell_project(session=session, seller=user, public_id=public_id)

        def refused(exc: ServiceError) -> None:
            if isinstance(exc, PermissionDenied):
                self.sell_needs_seller = exc.code == "not_a_seller"
            self.sell_error = exc.message

        outcome = await self._call(sell, error=refused)
        self.selling = False
        if not outcome.ok:
            return
        if promote:
            self.role = "seller"
        result = outcome.value
        note = (
            f"Draft listing created with version {result.version}."
            if result.created
            else f"Added version {result.version} to this project's listing."
            if result.added_version
            else "This project is already listed; opening its editor."
        )
        yield [rx.toast.success(note), rx.redirect(f"/sell/{result.listing_id}")]
