"""Folds a builder run's event stream into what the chat shows (plain Python, no Reflex).

The follower in state/build.py feeds every event of the run here and flushes the result to the
page at most every FLUSH_SECONDS: the live text of the step under way (the model's prose, never
its code: a component being written shows as a one-line "writing" note), each step's live state,
the chat messages finished since the last flush and the toasts to show. Events older than the
page's load are a replay: they rebuild the live view but add no toast and no message (the page
already read those messages from the database).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vibecoder.builder.engine import step_message
from vibecoder.builder.markers import MarkerParser
from vibecoder.builder.steps import MAX_CONTINUATIONS

MAX_PROSE_CHARS = 2000
# Events that change the run state (plan, steps, tokens): the follower reloads it on a flush.
STATE_EVENTS = {
    "intent",
    "plan",
    "plan_approved",
    "step_started",
    "step_done",
    "step_retry",
    "usage",
    "version_created",
    "error",
    "done",
}


@dataclass
class RunView:
    run_id: str
    live_since: float = 0.0
    index: int = -1
    component: str = ""
    prose: str = ""
    writing: str = ""
    lines: int = 0
    phase: str = ""  # streaming | recovering | validating
    fixing: bool = False
    live: dict[int, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    latest_number: int = 0
    error: str = ""
    finished_status: str = ""
    dirty: bool = False
    needs_state: bool = True
    _parser: MarkerParser = field(default_factory=MarkerParser)
    _recovering: set[str] = field(default_factory=set)
    _toasts: list[tuple[str, str]] = field(default_factory=list)
    _messages: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return bool(self.finished_status)

    def apply(self, event: dict) -> None:
        kind = event.get("type", "")
        replay = event.get("ts", 0) < self.live_since
        self.dirty = True
        if kind in STATE_EVENTS:
            self.needs_state = True
        if kind == "token":
            self._token(event.get("text", ""))
        elif kind in ("step_started", "step_retry"):
            if kind == "step_retry":
                # The run's earlier "done" (failed) is history now: it goes on.
                self.finished_status, self.error = "", ""
            self.index, self.component = event.get("index", 0), event.get("component", "")
            self.prose, self.writing, self.lines, self.fixing = "", "", 0, False
            self._parser = MarkerParser()
            self._set_phase("streaming" if kind == "step_started" else "")
        elif kind == "continuation":
            self._set_phase("recovering")
            self._recovering.add(event.get("component", ""))
            if "attempt" in event and not replay:
                attempt = event["attempt"]
                self._toasts.append(
                    (
                        "info",
                        f"Auto-fixing truncated code (attempt {attempt}/{MAX_CONTINUATIONS})…",
                    )
                )
        elif kind == "fix_started":
            self._set_phase("recovering")
            self._recovering.add(event.get("component", ""))
            self.fixing, self.writing, self.lines = True, "", 0
            self._parser = MarkerParser()
            if not replay:
                self._toasts.append(
                    ("info", f"Fixing {event.get('component', '')} (attempt {event['attempt']})…")
                )
        elif kind == "validating":
            self._set_phase("validating")
            self.writing = ""
        elif kind == "version_created":
            name = event.get("component", "")
            self.versions[name] = event.get("number", 0)
            self.latest_number = max(self.latest_number, event.get("number", 0))
            if name in self._recovering:
                self._recovering.discard(name)
                if not replay:
                    self._toasts.append(("success", "Code recovered"))
        elif kind == "step_done":
            index = event.get("index", self.index)
            self.live[index] = "done"
            name = event.get("component", self.component)
            if not replay:
                self._messages.append(
                    step_message(name, self.versions.get(name, 0), self.prose.strip())
                )
            self.prose, self.writing, self.lines, self.phase = "", "", 0, ""
        elif kind == "error":
            self.error = event.get("message", "")
        elif kind == "done":
            self.finished_status = event.get("status", "done")
            self.writing, self.phase = "", ""
            if self.finished_status == "failed" and not replay:
                # The engine words a failed step "step N (Name) failed: …"; it can be retried.
                level = "step_failed" if self.error.startswith("step ") else "error"
                self._toasts.append((level, self.error or "The build failed."))

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        if self.index >= 0:
            if phase:
                self.live[self.index] = phase
            else:
                self.live.pop(self.index, None)

    def _token(self, text: str) -> None:
        for parsed in self._parser.feed(text):
            if parsed.kind == "text" and not self.fixing:
                if len(self.prose) < MAX_PROSE_CHARS:
                    self.prose += parsed.text
            elif parsed.kind == "component_started":
                self.writing, self.lines = parsed.name, 0
            elif parsed.kind == "component_closed":
                self.writing = ""
        if self._parser.open_component is not None:
            self.lines += text.count("\n")

    def text(self) -> str:
        """The live assistant bubble, as markdown."""
        parts = [self.prose.strip()] if self.prose.strip() else []
        if self.writing:
            parts.append(f"_Writing **{self.writing}** · {self.lines} lines of code…_")
        elif self.phase == "recovering" and self.component:
            parts.append(f"_Recovering **{self.component}**…_")
        elif self.phase == "validating" and self.component:
            parts.append(f"_Checking **{self.component}** in a headless browser…_")
        return "\n\n".join(parts)

    def take_toasts(self) -> list[tuple[str, str]]:
        toasts, self._toasts = self._toasts, []
        return toasts

    def take_messages(self) -> list[str]:
        messages, self._messages = self._messages, []
        return messages
