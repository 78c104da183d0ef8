"""The listing editor's per-version provenance dialog (domain: catalog.provenance)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import reflex as rx
from pydantic import BaseModel

from vibecoder.domain.catalog import provenance
from vibecoder.errors import ServiceError
from vibecoder.state.auth import AuthState

PROVIDERS = ["openai", "anthropic", "google", "mistral", "meta", "openai-compatible", "other"]


class PromptRow(BaseModel):
    role: str
    content: str


class _Row(BaseModel):
    """A recorded AiMetadata row, as plain values."""

    model: str
    provider: str
    prompt_history: list = []
    token_input: int = 0
    token_output: int = 0
    token_total: int | None = None
    temperature: float | None = None
    generated_at: datetime | None = None


class ProvenanceState(AuthState):
    open: bool = False
    version_id: int = 0
    version_label: str = ""
    model: str = ""
    provider: str = "openai"
    temperature: str = ""
    tokens_in: str = ""
    tokens_out: str = ""
    tokens_total: str = ""
    generated: str = ""
    transcript: str = ""
    prompts: list[PromptRow] = []
    note: str = ""
    error: str = ""

    @rx.event
    async def edit(self, version_id: int, version_label: str):
        self.error = self.note = self.transcript = ""

        def read(session, user):
            row = provenance.provenance_of(session=session, seller=user, version_id=int(version_id))
            # Plain values out of the session (the ORM row does not outlive it).
            return None if row is None else row.model_dump()

        outcome = await self._call(read, error=None)
        if outcome.signed_out:
            return self._signin_redirect("/sell")
        if not outcome.ok:
            return rx.toast.error(outcome.error.message)
        row = None if outcome.value is None else _Row(**outcome.value)
        self.version_id, self.version_label = int(version_id), str(version_label)
        self.model = row.model if row else ""
        self.provider = row.provider if row else "openai"
        self.temperature = "" if not row or row.temperature is None else f"{row.temperature:g}"
        self.tokens_in = str(row.token_input) if row and row.token_input else ""
        self.tokens_out = str(row.token_output) if row and row.token_output else ""
        self.tokens_total = str(row.token_total) if row and row.token_total is not None else ""
        self.generated = row.generated_at.strftime("%Y-%m-%d") if row and row.generated_at else ""
        self.prompts = [PromptRow(**p) for p in (row.prompt_history if row else [])]
        self.open = True

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    def set_provider(self, value: str):
        self.provider = value if value in PROVIDERS else "other"

    @rx.event
    def set_transcript(self, value: str):
        self.transcript = value[:200_000]

    @rx.event
    def preview_transcript(self):
        """Typed or pasted text becomes the prompt history shown below (not saved yet)."""
        self.error = ""
        parsed = provenance.parse_transcript(self.transcript)
        if not parsed:
            self.error = "Type or paste the prompts first."
            return
        self.prompts = [PromptRow(**p) for p in parsed]
        self.note = f"{len(parsed)} messages read from the text. Check them, then save."

    @rx.event
    async def import_export(self, files: list[rx.UploadFile]):
        self.error = self.note = ""
        if not files:
            self.error = "Choose the conversations.json of a ChatGPT or Claude export."
            return
        data = await files[0].read(provenance.MAX_EXPORT_BYTES + 1)
        try:
            # A 20 MB export is parsed in a worker thread, not on the event loop.
            parsed, note = await asyncio.to_thread(provenance.parse_export, data)
        except ServiceError as exc:
            self.error = exc.message
            return
        self.prompts = [PromptRow(**p) for p in parsed]
        self.note = note + " Check them, then save."
        yield rx.clear_selected_files("provenance-export")

    @rx.event
    def clear_prompts(self):
        self.prompts, self.note = [], ""

    @rx.event
    async def save(self, form: dict):
        self.error = ""
        if not self.version_id:
            return
        prompts = [p.model_dump() for p in self.prompts]
        try:
            temperature = str(form.get("temperature", "")).strip()
            data = {
                "model": str(form.get("model", "")).strip(),
                "provider": self.provider,
                "temperature": float(temperature) if temperature else None,
                "token_input": provenance.parse_tokens(str(form.get("tokens_in", ""))),
                "token_output": provenance.parse_tokens(str(form.get("tokens_out", ""))),
                "token_total": provenance.parse_tokens(str(form.get("tokens_total", ""))) or None,
                "generated_at": provenance.parse_date(str(form.get("generated", ""))),
                "prompt_history": prompts,
            }
        except ValueError:
            self.error = "Temperature is a number between 0 and 2."
            return
        except ServiceError as exc:
            self.error = exc.message
            return
        version_id = self.version_id
        outcome = await self._call(
            lambda session, user: (
                provenance.save_provenance(
                    session=session, seller=user, version_id=version_id, data=data
                ).version_id
            )
        )
        if outcome.signed_out:
            return self._signin_redirect("/sell")
        if not outcome.ok:
            return
        self.open = False
        return rx.toast.success(f"Provenance of version {self.version_label} saved.")
