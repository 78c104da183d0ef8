"""Stitching a continuation onto a cut answer: drop preambles, fences and repeated overlap.

Continuations are asked for with a plain user message quoting the tail of the cut answer (no
assistant prefill: OpenAI-compatible servers reject or ignore it). Models then tend to start with
"Sure, continuing…", wrap the rest in a code fence, repeat the last line, or start over from the
START marker. `stitch` undoes each of those.
"""

from __future__ import annotations

import re

from vibecoder.builder.markers import START

PREAMBLE = re.compile(
    r"^(?:sure|certainly|of course|ok(?:ay)?|here(?:'s| is| you go)?|continuing|continued|"
    r"apologies|sorry|no problem|got it|alright|understood|let me|i'll|resuming)\b[^\n]*$",
    re.IGNORECASE,
)
CODE_CHARS = re.compile(r"[<>{};=()]")
FENCE_LINE = re.compile(r"^\s*```[\w+-]*\s*$")
MIN_OVERLAP = 12
TAIL_CHARS = 600


def tail_of(text: str, chars: int = TAIL_CHARS) -> str:
    """What the continuation request quotes: the last lines, starting at a line boundary."""
    if len(text) <= chars:
        return text
    cut = text.find("\n", len(text) - chars)
    return text[cut + 1 :] if 0 <= cut < len(text) - 1 else text[-chars:]


def strip_preamble(continuation: str) -> str:
    lines = continuation.split("\n")
    dropped = 0
    while dropped < min(3, len(lines) - 1):
        line = lines[dropped]
        prose = PREAMBLE.match(line) and not CODE_CHARS.search(line)
        if prose or FENCE_LINE.match(line) or (not line.strip() and dropped == 0):
            dropped += 1
            continue
        break
    return "\n".join(lines[dropped:])


def remove_overlap(previous: str, continuation: str) -> str:
    """Drop the longest prefix of `continuation` that repeats the end of `previous`.

    Only a repeat that starts at the beginning of a line of `previous` and holds at least
    MIN_OVERLAP visible characters counts: models repeat whole lines, while short or
    mid-line coincidences ("    </div>" inside "        </div>") are real code.
    """
    window = previous[-TAIL_CHARS:]
    for size in range(min(len(window), len(continuation)), 0, -1):
        candidate = continuation[:size]
        if len("".join(candidate.split())) < MIN_OVERLAP:
            break
        start = len(previous) - size
        if window.endswith(candidate) and (start == 0 or previous[start - 1] == "\n"):
            return continuation[size:]
    # A repeated last line typed from its start: previous ends mid-line, continuation
    # restarts that line ("  return (" + "  return (\n    <div>").
    last_line = previous.rsplit("\n", 1)[-1]
    if len(last_line.strip()) >= MIN_OVERLAP and continuation.startswith(last_line):
        return continuation[len(last_line) :]
    return continuation


def stitch(previous: str, continuation: str) -> tuple[str, str]:
    """(new answer, how it was stitched) — "append", or "restart" when the model started over."""
    for line in continuation.split("\n"):
        if START.match(line):
            # The model started the component again: its new answer replaces the cut one.
            return continuation, "restart"
    cleaned = strip_preamble(continuation)
    cleaned = remove_overlap(previous, cleaned)
    return previous + cleaned, "append"
