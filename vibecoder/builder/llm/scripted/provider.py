"""The offline demo model: follows the builder protocol exactly, with faults on request.

It reads the labelled lines of each request (see prompts.py), answers intent and plan with JSON,
and writes real components from `templates.py` adapted to the prompt. It streams in small chunks
like a real model and reports token usage (about four characters a token).

Faults (for tests, the benchmark and demos), as `--faults` text or a `FaultPlan`:

    Hero=cut:0.4            the Hero step stops at 40% of its answer with finish reason "length"
    Hero=drop:0.4           ... the connection drops at 40% (finish reason "error")
    Hero=cut!:0.4           every continuation of Hero is cut too (recovery must give up)
    Footer=no_sentinel      the answer lacks the completion sentinel (a continuation adds it)
    Footer=no_sentinel!     ... and so does every continuation (the model never says it is done)
    Footer=open_marker      the answer stops right after its last code line, END marker missing
    ProductGrid=syntax      a syntax error (balanced, so only the bundler sees it)
    ProductGrid=bad_import  imports a module that does not exist
    Navbar=throw            throws while rendering
    plan=invalid            the first plan answer is not valid (the builder must re-ask once)
    *=cut:0.5               every step
    random:0.5:7            each step gets a random fault with probability 0.5 (seed 7)

A `!` after a code fault (`syntax!`) makes the FIX answers keep the fault, so bounded fixing can
be tested. Faults only affect the first answer of a step unless marked persistent.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from vibecoder.builder import prompts
from vibecoder.builder.intent import heuristic_intent
from vibecoder.builder.llm.base import (
    FINISH_ERROR,
    FINISH_LENGTH,
    FINISH_STOP,
    Chunk,
    Finish,
    Request,
    estimate_usage,
)
from vibecoder.builder.llm.scripted import templates
from vibecoder.builder.llm.scripted.answers import answer_from_code, change_from_message
from vibecoder.builder.llm.scripted.themes import COLORS, retheme_request

OFFLINE_LABEL = "Offline demo model (scripted)"
START, END, SENTINEL = (
    "/// COMPONENT_START: {} ///",
    "/// COMPONENT_END ///",
    ("// --- VIBECODER_COMPLETE ---"),
)
CUT_KINDS = ("cut", "drop", "cut!")
CODE_KINDS = ("syntax", "bad_import", "throw")
RANDOM_KINDS = ("cut", "drop", "no_sentinel", "open_marker", "syntax", "bad_import", "throw")


@dataclass(frozen=True)
class Fault:
    kind: str
    at: float = 0.5
    persistent: bool = False


@dataclass
class FaultPlan:
    by_name: dict[str, Fault] = field(default_factory=dict)
    random_rate: float = 0.0
    seed: int = 0

    @classmethod
    def parse(cls, spec: str | None) -> FaultPlan:
        plan = cls()
        for part in filter(None, (p.strip() for p in (spec or "").split(","))):
            if part.startswith("random:"):
                _, rate, *seed = part.split(":")
                plan.random_rate, plan.seed = float(rate), int(seed[0]) if seed else 0
                continue
            name, _, fault = part.partition("=")
            kind, _, at = fault.partition(":")
            persistent = kind.endswith("!")
            plan.by_name[name.strip()] = Fault(
                kind.rstrip("!"), float(at) if at else 0.5, persistent
            )
        return plan

    def for_step(self, name: str) -> Fault | None:
        if name in self.by_name:
            return self.by_name[name]
        if "*" in self.by_name:
            return self.by_name["*"]
        if self.random_rate > 0:
            rng = random.Random(f"{self.seed}:{name}")
            if rng.random() < self.random_rate:
                return Fault(rng.choice(RANDOM_KINDS), round(rng.uniform(0.05, 0.95), 3))
        return None


class ScriptedProvider:
    """Deterministic; `chunk_chars` and `delay` shape the stream like a real one."""

    offline = True

    def __init__(
        self,
        *,
        faults: FaultPlan | str | None = None,
        chunk_chars: int = 24,
        delay: float = 0.0,
        model: str = "scripted-1",
    ):
        self.name = "scripted"
        self.model = model
        self.label = OFFLINE_LABEL
        self.faults = faults if isinstance(faults, FaultPlan) else FaultPlan.parse(faults)
        self.chunk_chars = max(1, chunk_chars)
        self.delay = delay

    # --- answers ---------------------------------------------------------------------------

    def answer(self, request: Request) -> tuple[str, str]:
        """(text, finish reason) for a request."""
        text = request.messages[-1].content
        if request.purpose == "intent":
            return json.dumps(self._intent(text)), FINISH_STOP
        if request.purpose == "plan":
            return self._plan(request), FINISH_STOP
        if request.purpose == "answer":
            return answer_from_code(text), FINISH_STOP
        if request.purpose == "change":
            return json.dumps(change_from_message(text)), FINISH_STOP
        if request.purpose == "continue":
            return self._continue(text)
        return self._step(text, fix=request.purpose == "fix")

    def _intent(self, text: str) -> dict:
        message = prompts.field(text, "Message") or text
        has_project = prompts.field(text, "Project exists") == "yes"
        return {"intent": heuristic_intent(message, has_project=has_project), "reason": "scripted"}

    def _plan(self, request: Request) -> str:
        text = request.messages[-1].content
        prompt = prompts.field(text, "Project request") or text
        fault = self.faults.by_name.get("plan")
        if fault and fault.kind == "invalid" and len(request.messages) == 1:
            return '{"components": [{"name": "hero section", "purpose": ""}]}'
        plan = [{"name": s.name, "purpose": s.purpose} for s in templates.plan_for(prompt)]
        return json.dumps({"components": plan}, indent=2)

    def full_answer(self, text: str, name: str, fault: Fault | None) -> str:
        prompt = prompts.field(text, "Project request") or ""
        plan_names = [n.strip() for n in (prompts.field(text, "Plan") or name).split(",")]
        current = _current_code(text)
        if current is not None and retheme_request(prompt):
            # "The same page for a flower shop": the section again, for the new business.
            code = templates.write_section(name, prompt, plan_names)
        elif current is not None:
            code = apply_edit(current, prompt)
        else:
            code = templates.write_section(name, prompt, plan_names)
        if fault is not None and fault.kind in CODE_KINDS:
            code = inject_code_fault(code, fault.kind)
        answer = f"Here is the {name} component.\n\n{START.format(name)}\n{code}{END}\n{SENTINEL}\n"
        if fault is not None and fault.kind == "no_sentinel":
            answer = answer.replace(SENTINEL + "\n", "")
        if fault is not None and fault.kind == "open_marker":
            answer = answer[: answer.index(END)]
        return answer

    def _step(self, text: str, *, fix: bool) -> tuple[str, str]:
        name = prompts.field(text, "Write the component") or "Section"
        fault = self.faults.for_step(name)
        if fix and not (fault and fault.persistent and fault.kind in CODE_KINDS):
            fault = None
        answer = self.full_answer(text, name, fault)
        if fault is not None and fault.kind in CUT_KINDS and not fix:
            cut = max(1, int(len(answer) * fault.at))
            return answer[:cut], FINISH_ERROR if fault.kind == "drop" else FINISH_LENGTH
        return answer, FINISH_STOP

    def _continue(self, text: str) -> tuple[str, str]:
        name = prompts.field(text, "Component") or "Section"
        tail = prompts.cut_tail(text) or ""
        fault = self.faults.for_step(name)
        keeps_going = fault is not None and fault.kind == "no_sentinel" and fault.persistent
        keep = fault if fault is not None and (fault.kind in CODE_KINDS or keeps_going) else None
        full = self.full_answer(text, name, keep)
        index = full.find(tail) if tail else -1
        if index < 0:
            # Lost track: start the component over, as real models do.
            return full, FINISH_STOP
        rest = full[index + len(tail) :]
        # Real models like to announce themselves and repeat the last line; the stitcher copes.
        last_line = tail.rsplit("\n", 1)[-1]
        overlap = last_line if len(last_line.strip()) >= 12 else ""
        text_out = "Sure, continuing from where I left off:\n```jsx\n" + overlap + rest
        if fault is not None and fault.kind == "cut" and fault.persistent:
            return text_out[: max(len(overlap) + 40, len(text_out) // 3)], FINISH_LENGTH
        return text_out, FINISH_STOP

    # --- streaming -------------------------------------------------------------------------

    async def stream(self, request: Request) -> AsyncIterator[Chunk | Finish]:
        text, reason = self.answer(request)
        loop = asyncio.get_running_loop()
        began = loop.time()
        for count, start in enumerate(range(0, len(text), self.chunk_chars), 1):
            if self.delay:
                # Paced against the clock, so the consumer's own work per chunk (events,
                # cancel checks) does not slow the stream below its configured rate.
                wait = began + count * self.delay - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
            yield Chunk(text[start : start + self.chunk_chars])
        error = "connection dropped mid-stream" if reason == FINISH_ERROR else ""
        yield Finish(reason, estimate_usage(request, text), error)


def _current_code(text: str) -> str | None:
    marker, end = "Current code of this component:\n", "\nWrite the component:"
    start = text.find(marker)
    if start < 0:
        return None
    stop = text.find(end, start)
    return text[start + len(marker) : stop if stop >= 0 else None].rstrip() + "\n"


def apply_edit(code: str, message: str) -> str:
    """What the offline model can change in existing code: the palette and light/dark.

    Anything else (new copy, new layout) needs a real model; the code comes back unchanged.
    """
    lowered = message.lower()
    wanted = next((COLORS[w] for w in re.findall(r"[a-z]+", lowered) if w in COLORS), None)
    # zinc is the neutral surface colour of every section, never the accent.
    accents = "|".join(sorted(set(COLORS.values()) - {"zinc"}))
    used = re.findall(rf"-({accents})-\d{{2,3}}\b", code)
    if wanted and used:
        current = max(set(used), key=used.count)
        code = re.sub(rf"-{current}-(\d{{2,3}})\b", rf"-{wanted}-\1", code)
    if re.search(r"\b(dark|darker|night)\b", lowered):
        code = code.replace("bg-white text-zinc-900", "bg-zinc-950 text-zinc-100")
        code = code.replace("text-zinc-600", "text-zinc-400")
    elif re.search(r"\b(light|lighter|white)\b", lowered):
        code = code.replace("bg-zinc-950 text-zinc-100", "bg-white text-zinc-900")
        code = code.replace("text-zinc-400", "text-zinc-600")
    return code


def inject_code_fault(code: str, kind: str) -> str:
    lines = code.split("\n")
    body = next(i for i, line in enumerate(lines) if line.startswith("export default function"))
    # After the signature (which may span lines), at the top of the function body.
    while not re.search(r"\)\s*\{\s*$", lines[body]):
        body += 1
    if kind == "syntax":
        lines.insert(body + 1, "  const total = price * ;")
    elif kind == "bad_import":
        lines.insert(0, 'import { SparkleField } from "react-sparkle-field";')
        lines.insert(body + 2, "  const field = SparkleField;")
    elif kind == "throw":
        lines.insert(body + 1, '  if (typeof window !== "undefined") throw new Error("boom");')
    return "\n".join(lines)
