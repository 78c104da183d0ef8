"""Incremental parser for the builder's component markers, fed chunk by chunk as tokens stream.

    /// COMPONENT_START: ProductGrid ///
    ...jsx...
    /// COMPONENT_END ///
    // --- VIBECODER_COMPLETE ---

Like bolt.new's message parser it is a small state machine that emits events as soon as they
are certain. It tolerates what weaker and local models do: spaces inside markers, code fences
around or inside a component, prose before and after, and markers quoted inside prose (a
marker counts only when it stands alone on its line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Markers match whatever the spacing or case: local models write `///component_start: Hero///`.
START = re.compile(
    r"^\s*(?:[-*>]\s*)?/{2,3}\s*COMPONENT[_ ]START\s*:\s*([A-Za-z][A-Za-z0-9_]*)\s*/{0,3}\s*$",
    re.IGNORECASE,
)
END = re.compile(r"^\s*/{2,3}\s*COMPONENT[_ ]END\s*/{0,3}\s*$", re.IGNORECASE)
SENTINEL = re.compile(r"^\s*//\s*-*\s*VIBECODER[_ ]COMPLETE\s*-*\s*$", re.IGNORECASE)
FENCE = re.compile(r"^\s*```[\w+-]*\s*$")


@dataclass
class ParserEvent:
    kind: str  # "text" | "component_started" | "component_closed" | "complete"
    name: str = ""
    text: str = ""


@dataclass
class MarkerParser:
    """Feed with `feed(chunk)`; call `finish()` at the end of the stream."""

    components: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    complete: bool = False
    open_component: str | None = None
    _partial: str = ""
    _lines: list[str] = field(default_factory=list)

    def feed(self, chunk: str) -> list[ParserEvent]:
        self._partial += chunk
        *complete_lines, self._partial = self._partial.split("\n")
        events: list[ParserEvent] = []
        for line in complete_lines:
            events.extend(self._line(line))
        return events

    def finish(self) -> list[ParserEvent]:
        """Flush the last line (a stream need not end with a newline)."""
        events: list[ParserEvent] = []
        if self._partial:
            line, self._partial = self._partial, ""
            events.extend(self._line(line))
        return events

    @property
    def partial_component(self) -> str:
        """The code of a component still open (for truncation recovery)."""
        body = "\n".join(self._lines)
        if self.open_component is not None and self._partial:
            body = (body + "\n" if body else "") + self._partial
        return body

    def _line(self, line: str) -> list[ParserEvent]:
        if self.open_component is None:
            started = START.match(line)
            if started:
                self.open_component = started.group(1)
                self._lines = []
                return [ParserEvent("component_started", name=self.open_component)]
            if SENTINEL.match(line):
                self.complete = True
                return [ParserEvent("complete")]
            return [ParserEvent("text", text=line + "\n")] if line.strip() else []
        if END.match(line):
            name, code = self.open_component, self._clean("\n".join(self._lines))
            self.open_component, self._lines = None, []
            if name not in self.components:
                self.order.append(name)
            self.components[name] = code
            return [ParserEvent("component_closed", name=name, text=code)]
        if SENTINEL.match(line):
            # A sentinel inside an open component means the model forgot the END marker.
            self.complete = True
            return [ParserEvent("complete")]
        nested = START.match(line)
        if nested:
            # A new START before END: the previous component was cut; keep it open for repair.
            return []
        self._lines.append(line)
        return []

    @staticmethod
    def _clean(code: str) -> str:
        lines = [line for line in code.split("\n") if not FENCE.match(line)]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines) + "\n" if lines else ""


def parse_all(text: str) -> MarkerParser:
    parser = MarkerParser()
    parser.feed(text)
    parser.finish()
    return parser
