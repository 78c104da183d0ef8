"""Stitching a continuation onto a cut answer, so that real models' habits cannot corrupt it.

Continuations are asked for with a plain user message quoting the tail of the cut answer (no
assistant prefill: OpenAI-compatible servers reject or ignore it). Real models then: start with
"Sure, continuing…" or an apology, wrap the rest in a code fence (and close it, sometimes with
more chatter after), repeat the last words or lines before the cut, or start the component over
from its first line (with or without the START marker). `stitch` undoes each of those:

* chatter and fences are dropped (only lines that cannot be code, or that a fence follows);
* a restart replaces the cut component instead of being appended to it;
* the overlap is the longest prefix of the continuation that repeats the end of the answer,
  compared without whitespace (models re-indent and re-wrap what they repeat) and at least
  MIN_OVERLAP visible characters long, so a coincidence like a second `</div>` stays;
* a seam that still shows repeated text (a repeat that drifted from the original, so it is no
  exact overlap) is reported "unproven": the caller asks again or fails the step, it never ships
  text that appears twice across the cut.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from vibecoder.builder.markers import END, SENTINEL, START

PREAMBLE = re.compile(
    r"^(?:sure|certainly|of course|ok(?:ay)?|here(?:'s| is| are| you go)?|continuing|"
    r"continued|continuation|apologi[sz]e\w*|(?:i|my) apologi\w*|sorry|no problem|got it|"
    r"alright|understood|let me|i'll|i will|resuming|picking up|the rest|rest of)\b[^\n]*$",
    re.IGNORECASE,
)
CODE_CHARS = re.compile(r"[<>{};=()]")
FENCE_LINE = re.compile(r"^\s*```[\w+-]*\s*$")
CLOSING_ONLY = re.compile(r"^[\s<>/)\]};,a-zA-Z.]*$")
MIN_OVERLAP = 8  # visible characters: shorter repeats are too often real code ("</div>")
RESTART_MIN = 10  # visible characters a first line needs to prove a restart
TAIL_CHARS = 600
OVERLAP_WINDOW = 2000


def tail_of(text: str, chars: int = TAIL_CHARS) -> str:
    """What the continuation request quotes: the last lines, starting at a line boundary."""
    if len(text) <= chars:
        return text
    cut = text.find("\n", len(text) - chars)
    return text[cut + 1 :] if 0 <= cut < len(text) - 1 else text[-chars:]


def _is_prose(line: str) -> bool:
    return bool(PREAMBLE.match(line)) and not CODE_CHARS.search(line)


def strip_preamble(continuation: str) -> str:
    """Drop the chatter and the opening fence before a continuation's first code."""
    lines = continuation.split("\n")
    # "Sure, here is the rest:\n```jsx\n…": everything up to an early fence is chatter when
    # nothing before it could be code.
    for index, line in enumerate(lines[:5]):
        if FENCE_LINE.match(line):
            if all(not CODE_CHARS.search(x) or _is_prose(x) for x in lines[:index]):
                return "\n".join(lines[index + 1 :])
            break
    dropped, chatter = 0, False
    while dropped < min(4, len(lines) - 1):
        line = lines[dropped]
        if _is_prose(line) or FENCE_LINE.match(line):
            dropped, chatter = dropped + 1, True
            continue
        if not line.strip() and (dropped == 0 or chatter):
            dropped += 1  # the blank line after "Sure, here is the rest:" is not the code's
            continue
        break
    return "\n".join(lines[dropped:])


def strip_trailer(continuation: str) -> str:
    """Drop a closing fence and any chatter after it (unless markers follow, which we keep)."""
    lines = continuation.split("\n")
    for index, line in enumerate(lines):
        if FENCE_LINE.match(line):
            rest = lines[index + 1 :]
            if not any(START.match(x) or END.match(x) or SENTINEL.match(x) for x in rest):
                return "\n".join(lines[:index]) + ("\n" if index else "")
    return "\n".join(line for line in lines if not FENCE_LINE.match(line))


def _visible(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and where each kept character sits in the original."""
    positions = [i for i, c in enumerate(text) if not c.isspace()]
    return "".join(text[i] for i in positions), positions


def _borders(pattern: str, text: str) -> list[int]:
    """Lengths L (longest first) for which pattern[:L] == text[-L:] (prefix function)."""
    joined = pattern + "\x00" + text
    pi = [0] * len(joined)
    for i in range(1, len(joined)):
        k = pi[i - 1]
        while k and joined[i] != joined[k]:
            k = pi[k - 1]
        if joined[i] == joined[k]:
            k += 1
        pi[i] = k
    found, length = [], pi[-1] if joined else 0
    while length:
        found.append(length)
        length = pi[length - 1]
    return found


def overlap_length(previous: str, continuation: str) -> int:
    """How many characters at the start of `continuation` repeat the end of `previous`."""
    window = previous[-OVERLAP_WINDOW:]
    tail, tail_at = _visible(window)
    head, head_at = _visible(continuation[: OVERLAP_WINDOW + 400])
    for size in _borders(head, tail):
        if size < MIN_OVERLAP:
            break
        start = tail_at[len(tail) - size]
        # A model repeats from the start of a word or line, not from the middle of one.
        if start == 0 or not (window[start - 1].isalnum() and window[start].isalnum()):
            return head_at[size - 1] + 1
    return 0


def remove_overlap(previous: str, continuation: str) -> str:
    """`continuation` without the text it repeats from the end of `previous` (repeatedly)."""
    for _ in range(3):
        size = overlap_length(previous, continuation)
        if not size:
            break
        continuation = continuation[size:]
        if previous[-1:] in (" ", "\t") and continuation[:1] in (" ", "\t"):
            continuation = continuation.lstrip(" \t")
    return continuation


def _component_body_start(previous: str) -> int:
    """Where the code of the open (last started) component begins in `previous`."""
    offset = 0
    body = 0
    for line in previous.split("\n"):
        offset += len(line) + 1
        if START.match(line):
            body = offset
    return min(body, len(previous))


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.split("\n") if line.strip()), "")


def _restart(previous: str, cleaned: str) -> str | None:
    """The new answer when the continuation starts the component over, else None."""
    if any(START.match(line) for line in cleaned.split("\n")):
        return cleaned
    body_start = _component_body_start(previous)
    body = previous[body_start:]
    first = _first_line(body)
    if len(_visible(first)[0]) < RESTART_MIN or _first_line(cleaned) != first:
        return None
    if len(body.strip()) <= len(first):
        return None  # cut inside the first line: an ordinary overlap
    lead = cleaned[cleaned.index(first) :]
    indent = body[: body.index(first)]
    return previous[:body_start] + indent + lead


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def _repeats_recent_line(previous: str, continuation: str) -> bool:
    """The continuation says again what was already said, though not as an exact overlap.

    Its first whole line is one of the last lines before the cut; or it re-types the line the
    cut fell in with a small drift (a changed word or class), alone or after re-typing the
    lines before it. Repeated structure that merely looks alike (the next `<a href…>` of a row
    of links) is not a repeat: what comes before it does not resemble the text before the cut.
    """
    lines = [line for line in continuation.split("\n")[:5]]
    visible = ["".join(line.split()) for line in lines]
    recent = ["".join(line.split()) for line in previous.split("\n")[-8:]]
    first = visible[0]
    if len(lines) > 1 and len(first) >= 16 and not CLOSING_ONLY.match(lines[0]) and first in recent:
        return True
    cut_line = recent[-1] if not previous.endswith("\n") else ""
    if len(cut_line) < 16:
        return False
    if _similar(first[: len(cut_line)], cut_line):
        return True  # the cut line typed again, drifted
    earlier = [line for line in recent[:-1] if len(line) >= 16]
    retyped = bool(first) and any(_similar(first, line) for line in earlier)
    return retyped and any(
        v.startswith(cut_line) or _similar(v[: len(cut_line)], cut_line) for v in visible[1:4]
    )


def stitch(previous: str, continuation: str) -> tuple[str, str]:
    """(new answer, how): "append", "restart", or "unproven" (previous returned unchanged)."""
    cleaned = strip_trailer(strip_preamble(continuation))
    restarted = _restart(previous, cleaned)
    if restarted is not None:
        return restarted, "restart"
    rest = remove_overlap(previous, cleaned)
    if _repeats_recent_line(previous, rest) or overlap_length(previous, rest):
        return previous, "unproven"
    return previous + rest, "append"
