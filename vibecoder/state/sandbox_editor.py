"""The sandbox panel's code editor: the visitor edits the listing's files and runs the copy.

Edits are kept by the service in Redis for this browser session (domain/sandbox_runs/edits.py);
this state holds only the open file as it was loaded, plus which files are edited. The editor
sends its text when the visitor pauses typing; "Run" (SandboxPanelState.start) queues the run
with this session's edits, and "Reset" forgets them.
"""

from __future__ import annotations

import reflex as rx

from vibecoder.domain.sandbox_runs import edits as sandbox_edits
from vibecoder.infra.redis_client import get_redis
from vibecoder.state.auth import AuthState


class SandboxEditorState(AuthState):
    listing_id: int = 0
    files: list[str] = []
    open_path: str = ""
    # The open file as loaded (the editor keeps the keystrokes; the server keeps the edits).
    text: str = ""
    language: str = "text"
    editable: bool = False
    notice: str = ""
    edited: list[str] = []
    # Bumped to remount the editor with `text` (a file opened, or Reset).
    revision: int = 0
    error: str = ""

    @rx.var
    def editor_key(self) -> str:
        return f"{self.open_path}:{self.revision}"

    @rx.var
    def editor_label(self) -> str:
        return f"Edit {self.open_path}" if self.editable else f"{self.open_path} (read-only)"

    def _visitor(self) -> str:
        return self.router.session.client_token

    @rx.event
    async def load(self):
        slug = str(self.router.page.params.get("slug", ""))
        self.error, self.notice, self.edited = "", "", []
        outcome = await self._call(
            lambda session, viewer: sandbox_edits.editor_files(
                session=session, slug=slug, viewer=viewer
            ),
            signed_in=False,
            error=None,
        )
        found = outcome.value
        self.listing_id = found.listing_id if found else 0
        self.files = found.paths if found else []
        self.open_path = ""
        if found and found.default:
            await self._open(found.default)

    async def _open(self, path: str) -> None:
        listing_id, visitor = self.listing_id, self._visitor()

        def read(session, viewer):
            opened = sandbox_edits.open_file(
                session=session,
                redis_client=get_redis(),
                listing_id=listing_id,
                viewer=viewer,
                visitor=visitor,
                path=path,
            )
            edited = sandbox_edits.edited_paths(
                session=session,
                redis_client=get_redis(),
                listing_id=listing_id,
                viewer=viewer,
                visitor=visitor,
            )
            return opened, edited

        outcome = await self._call(read, signed_in=False)
        if not outcome.ok:
            return
        opened, self.edited = outcome.value
        self.open_path, self.text, self.language = opened.path, opened.text, opened.language
        self.editable, self.notice = opened.editable, opened.notice
        self.revision += 1

    @rx.event
    async def open_file(self, path: str):
        self.error = ""
        if path in self.files:
            await self._open(path)

    @rx.event
    async def edit(self, text: str):
        """The editor's text after a pause in typing: kept (or refused) by the service."""
        self.error = ""
        if not self.editable or not self.open_path:
            return
        listing_id, visitor, path = self.listing_id, self._visitor(), self.open_path
        outcome = await self._call(
            lambda session, viewer: sandbox_edits.save_edit(
                session=session,
                redis_client=get_redis(),
                listing_id=listing_id,
                viewer=viewer,
                visitor=visitor,
                path=path,
                text=str(text),
            ),
            signed_in=False,
        )
        if outcome.ok:
            self.edited = outcome.value

    @rx.event
    async def reset_edits(self):
        """Every file back to the original (the editor shows the open one again)."""
        self.error = ""
        listing_id, visitor = self.listing_id, self._visitor()
        outcome = await self._call(
            lambda session, viewer: sandbox_edits.reset(
                session=session,
                redis_client=get_redis(),
                listing_id=listing_id,
                viewer=viewer,
                visitor=visitor,
            ),
            signed_in=False,
        )
        if outcome.ok and self.open_path:
            await self._open(self.open_path)
            return rx.toast.info("Your edits are gone: the original files run again.")
