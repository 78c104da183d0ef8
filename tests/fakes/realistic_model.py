# ruff: noqa: E501 - the JSX corpus keeps its lines as a developer would write them
"""A model that misbehaves the way real models do, served over the OpenAI wire protocol.

Unlike the offline scripted model (the oracle: its continuation looks the cut up in the answer
it already knows and returns exactly the rest), this one resumes from where *it* stopped and
then does what real models do with a continuation request: repeats the last words or lines
before the cut, fences the rest again, apologises first, restarts the component from its first
line. Its first answers wrap code in fences inside the markers, chat before the START marker,
forget the END marker and the sentinel, write markers in other spacing or case, put two
components in one answer, import packages that are not installed, use props nobody passes; its
JSON comes in ```json fences with chatter around it, and its plans repeat names, use names that
are not PascalCase and list an `App`.

Every case knows the component text a perfect model would have written (`Case.code`), so a
check compares the text the builder ends with, not just "it bundled". `RealisticModel` plugs
into tests/fakes/llm_server.py as its responder; the tests and bench/builder.py drive the real
`openai` SDK against it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field

from tests.fakes.llm_server import LLMServer, Reply
from vibecoder.builder import prompts

START, END, SENTINEL = (
    "/// COMPONENT_START: {} ///",
    "/// COMPONENT_END ///",
    ("// --- VIBECODER_COMPLETE ---"),
)

TEA_HERO = """import { motion } from "framer-motion";
import { Leaf } from "lucide-react";

// The hero of the tea shop: headline, one line of copy and a call to action.
export default function TeaHero({ title = "Gyokuro, shade-grown", cta = "Shop the harvest" }) {
  const accent = "emerald";
  return (
    <section id="top" className={`bg-${accent}-950 py-24 text-white`}>
      <motion.div initial={{ opacity: 0, y: 12 }} animate={{ opacity: 1, y: 0 }} className="mx-auto max-w-5xl px-6 text-center">
        <Leaf className="mx-auto h-10 w-10 text-emerald-300" aria-hidden="true" />
        <h1 className="mt-6 text-5xl font-bold tracking-tight">{title}</h1>
        <p className="mt-4 text-lg text-emerald-100">
          Deep green, sweet umami, brewed at 60 degrees for two minutes.
        </p>
        <a href="#shop" className="mt-8 inline-block rounded-full bg-emerald-400 px-6 py-3 font-semibold text-emerald-950">
          {cta}
        </a>
      </motion.div>
    </section>
  );
}
"""

NEWSLETTER = """import { useState } from "react";
import { Mail } from "lucide-react";

const EMAIL = /^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$/i;

/* Sign-up form: the address is checked in the browser before anything is sent. */
export default function Newsletter({ heading = "Letters from the tea garden" }) {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const valid = EMAIL.test(email);
  const note = sent ? `Thanks! We will write to ${email} once a month.` : "One letter a month, no spam.";
  return (
    <section id="newsletter" className="bg-stone-50 py-16">
      <div className="mx-auto max-w-xl px-6 text-center">
        <Mail className="mx-auto h-8 w-8 text-emerald-700" />
        <h2 className="mt-4 text-3xl font-bold text-stone-900">{heading}</h2>
        <form className="mt-6 flex gap-2" onSubmit={(e) => { e.preventDefault(); if (valid) setSent(true); }}>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@example.com" className="flex-1 rounded-lg border border-stone-300 px-4 py-2" />
          <button type="submit" disabled={!valid} className="rounded-lg bg-emerald-700 px-4 py-2 font-semibold text-white disabled:opacity-50">
            Subscribe
          </button>
        </form>
        <p className="mt-3 text-sm text-stone-600">{note}</p>
      </div>
    </section>
  );
}
"""

PRICE_LIST = """import { Check } from "lucide-react";

const TEAS = [
  { name: "Sencha Asahi", grams: 50, price: 14 },
  { name: "Gyokuro Okabe", grams: 40, price: 26 },
  { name: "Hojicha Kyoto", grams: 80, price: 11 },
];

export default function PriceList({ currency = "€" }) {
  // Prices include shipping within the EU.
  return (
    <section id="prices" className="bg-white py-16">
      <div className="mx-auto max-w-3xl px-6">
        <h2 className="text-3xl font-bold text-stone-900">This season's teas</h2>
        <ul className="mt-8 divide-y divide-stone-200">
          {TEAS.map((tea) => (
            <li key={tea.name} className="flex items-center justify-between py-4">
              <span className="flex items-center gap-2 text-stone-800">
                <Check className="h-4 w-4 text-emerald-600" />
                {tea.name} · {tea.grams} g
              </span>
              <span className="font-semibold text-stone-900">
                {currency}
                {tea.price}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
"""

CORPUS = {"TeaHero": TEA_HERO, "Newsletter": NEWSLETTER, "PriceList": PRICE_LIST}
TEA_PROMPT = "A landing page for a tea shop called Kettle House with a hero, prices and newsletter"

# Where a first answer may be cut: a piece of the component's code; the answer stops inside it
# (after `keep` characters of it).
CUTS = {
    "prose": ("TeaHero", "brewed at 60 degrees", 12),
    "jsx_attribute": ("TeaHero", 'className="mx-auto max-w-5xl px-6 text-center"', 22),
    "template_literal": ("Newsletter", "`Thanks! We will write to ${email} once a month.`", 30),
    "regex": ("Newsletter", "/^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$/i", 14),
    "comment": ("Newsletter", "/* Sign-up form: the address is checked", 24),
    "jsx_text": ("PriceList", "This season's teas", 9),
    "map_callback": ("PriceList", "{TEAS.map((tea) => (", 17),
    "line_end": ("PriceList", "// Prices include shipping within the EU.\n", 42),
}


@dataclass(frozen=True)
class Case:
    """One faulted step: how the first answer misbehaves, where it is cut, how it continues."""

    key: str
    name: str
    step: tuple[str, ...] = ()
    cut: str | None = None  # a key of CUTS
    cont: tuple[str, ...] = ()  # what every continuation does
    cut_again: bool = False  # the first continuation is cut too

    @property
    def code(self) -> str:
        return CORPUS[self.name]

    @property
    def faulted(self) -> bool:
        return bool(self.step or self.cut)


def _cut_case(key: str, cut: str, *cont: str, step: tuple[str, ...] = (), again=False) -> Case:
    return Case(key, CUTS[cut][0], step=step, cut=cut, cont=cont, cut_again=again)


# Each misbehaviour alone, then combined. Every one has a known intended component.
CASES: tuple[Case, ...] = (
    Case("clean", "TeaHero"),
    Case("fence_inside_markers", "Newsletter", step=("fence",)),
    Case("prose_before_start", "PriceList", step=("prose",)),
    Case("no_end_no_sentinel", "TeaHero", step=("no_end", "no_sentinel")),
    Case("no_sentinel", "PriceList", step=("no_sentinel",)),
    Case("marker_spacing_and_case", "Newsletter", step=("marker_case",)),
    Case("two_components", "PriceList", step=("two_components",)),
    Case("no_markers_at_all", "TeaHero", step=("unmarked",)),
    Case("bad_import", "TeaHero", step=("bad_import",)),
    Case("hallucinated_props", "PriceList", step=("hallucinated_prop",)),
    _cut_case("cut_prose_repeat_words", "prose", "repeat_words"),
    _cut_case("cut_attribute_repeat_lines", "jsx_attribute", "repeat_lines"),
    _cut_case("cut_template_fenced", "template_literal", "fence"),
    _cut_case("cut_regex_apology", "regex", "apology"),
    _cut_case("cut_comment_restart", "comment", "restart"),
    _cut_case("cut_text_restart_marker", "jsx_text", "restart_marker"),
    _cut_case("cut_callback_plain", "map_callback"),
    _cut_case("cut_line_end_repeat_line", "line_end", "repeat_lines"),
    _cut_case("cut_prose_repeat_many_words", "prose", "repeat_many_words"),
    _cut_case(
        "combined_fenced_chatty_repeat",
        "prose",
        "apology",
        "fence",
        "repeat_words",
        "chatter_after",
        step=("prose", "fence"),
    ),
    _cut_case(
        "combined_case_markers_repeat_lines",
        "template_literal",
        "repeat_lines",
        "fence",
        step=("marker_case",),
    ),
    _cut_case("combined_cut_twice", "regex", "repeat_words", "fence", again=True),
    _cut_case("combined_restart_fenced_apology", "map_callback", "apology", "fence", "restart"),
    _cut_case("combined_attribute_restart_marker", "jsx_attribute", "apology", "restart_marker"),
)

PURPOSES = {
    prompts.INTENT_SYSTEM: "intent",
    prompts.PLAN_SYSTEM: "plan",
    prompts.STEP_SYSTEM: "step",
    prompts.CONTINUE_SYSTEM: "continue",
    prompts.FIX_SYSTEM: "fix",
    prompts.ANSWER_SYSTEM: "answer",
}


def purpose_of(system: str) -> str:
    return PURPOSES.get(system, "step")


def whole_answer(name: str, code: str, step: tuple[str, ...] = ()) -> str:
    """The first answer for a component, with the step misbehaviours applied."""
    if "bad_import" in step:
        code = code.replace(
            'import { Leaf } from "lucide-react";',
            'import { Leaf } from "lucide-react";\nimport { FaLeaf } from "react-icons/fa";',
        ).replace('aria-hidden="true" />', 'aria-hidden="true" />\n        <FaLeaf />')
    if "hallucinated_prop" in step:
        code = code.replace('({ currency = "€" })', '({ currency = "€", teas })').replace(
            "{TEAS.map(", "{teas.map("
        )
    body = f"```jsx\n{code}```\n" if "fence" in step else code
    start, end, sentinel = START.format(name), END, SENTINEL
    if "marker_case" in step:
        start, end = f"///component_start:{name}///", "///  Component_End  ///"
        sentinel = "//--- vibecoder_complete ---"
    if "unmarked" in step:
        return f"Here's the {name} component:\n\n```jsx\n{code}```\n\nIt uses Tailwind classes."
    answer = f"{start}\n{body}"
    if "no_end" not in step:
        answer += f"{end}\n"
    if "no_sentinel" not in step:
        answer += f"{sentinel}\n"
    if "prose" in step:
        answer = (
            f"Great idea! Below is the {name} component. It keeps the layout responsive "
            "and uses only the allowed packages.\n\n" + answer
        )
    if "two_components" in step:
        badge = (
            'export default function Badge({ label = "New" }) {\n'
            '  return <span className="rounded bg-emerald-100 px-2">{label}</span>;\n}\n'
        )
        answer = f"{START.format('Badge')}\n{badge}{END}\n\n" + answer
    return answer


def _word_start(text: str, words: int) -> int:
    """Where the `words`-th last word of `text` starts."""
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    return starts[-words] if len(starts) >= words else 0


@dataclass
class _Progress:
    answer: str
    sent: int
    continuations: int = 0


@dataclass
class RealisticModel:
    """Responder for LLMServer: answers by purpose, misbehaving per the case of each component."""

    cases: dict[str, Case]
    plan: list[dict] | None = None  # the plan it proposes (may be messy on purpose)
    calls: list[str] = field(default_factory=list)
    _progress: dict[str, _Progress] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, path: str, body: dict) -> Reply:
        messages = body["messages"]
        system = messages[0]["content"] if messages[0]["role"] == "system" else ""
        text = messages[-1]["content"]
        purpose = purpose_of(system)
        with self._lock:
            self.calls.append(purpose)
            return self._answer(purpose, text)

    def _answer(self, purpose: str, text: str) -> Reply:
        if purpose == "intent":
            message = prompts.field(text, "Message") or ""
            intent = "QUESTION" if message.rstrip().endswith("?") else "BUILD"
            data = json.dumps({"intent": intent, "reason": "asks for it"})
            return Reply(f"Sure! Here is the classification:\n```json\n{data}\n```\nAnything else?")
        if purpose == "plan":
            plan = self.plan or [{"name": n, "purpose": f"The {n}"} for n in self.cases]
            return Reply(
                "Here's a plan for your page:\n\n```json\n"
                + json.dumps({"components": plan}, indent=2)
                + "\n```\n\nEach component is self-contained."
            )
        if purpose == "answer":
            return Reply("It is a page.")
        if purpose == "fix":
            name = prompts.field(text, "Component") or ""
            case = self.cases[name]
            # Fixes come back fenced inside the markers and without the sentinel.
            return Reply(whole_answer(name, case.code, ("fence", "no_sentinel")))
        if purpose == "continue":
            return self._continue(prompts.field(text, "Component") or "")
        name = prompts.field(text, "Write the component") or ""
        case = self.cases[name]
        answer = whole_answer(name, case.code, case.step)
        if case.cut is None:
            return Reply(answer)
        _, piece, keep = CUTS[case.cut]
        cut = answer.index(piece) + keep
        self._progress[name] = _Progress(answer, cut)
        return Reply(answer[:cut], finish="length")

    def _continue(self, name: str) -> Reply:
        case = self.cases[name]
        progress = self._progress[name]
        progress.continuations += 1
        answer, sent = progress.answer, progress.sent
        before = answer[:sent]
        rest = answer[sent:]
        finish = "stop"
        if case.cut_again and progress.continuations == 1:
            rest = rest[: len(rest) // 2]
            finish = "length"
        progress.sent = sent + len(rest)
        behaviours = case.cont
        if "restart" in behaviours:
            # From the component's first line again, without the START marker.
            text = case.code + f"{END}\n{SENTINEL}\n"
            finish = "stop"
            progress.sent = len(answer)
        elif "restart_marker" in behaviours:
            text = whole_answer(name, case.code)
            finish = "stop"
            progress.sent = len(answer)
        else:
            text = rest
            if "repeat_words" in behaviours:
                text = before[_word_start(before, 3) :] + text
            elif "repeat_many_words" in behaviours:
                text = before[_word_start(before, 6) :] + text
            elif "repeat_lines" in behaviours:
                lines_start = before.rfind("\n", 0, max(0, before.rfind("\n")))
                text = before[lines_start + 1 :] + text
        if "fence" in behaviours:
            # A cut stream never gets to close its fence.
            text = f"```jsx\n{text}" + ("\n```" if finish == "stop" else "")
        if "apology" in behaviours:
            text = "I apologize for the cut-off. Here is the rest of the component:\n\n" + text
        if "chatter_after" in behaviours and finish == "stop":
            text += "\n\nLet me know if you'd like any changes to the copy!"
        return Reply(text, finish=finish)


def serve(cases: list[Case] | dict[str, Case], plan: list[dict] | None = None):
    """(server, model): an LLMServer answering as a RealisticModel for these cases."""
    by_name = cases if isinstance(cases, dict) else {c.name: c for c in cases}
    model = RealisticModel(dict(by_name), plan=plan)
    return LLMServer(responder=model).start(), model


def same_text(a: str, b: str) -> bool:
    """Equal modulo whitespace: what the realistic suite's "textually correct" means."""
    return a.split() == b.split()


@dataclass
class CaseResult:
    key: str
    outcome: str  # "correct" | "wrong" | "failed"
    continuations: int
    cuts: int
    fixes: int
    calls: int
    recovery_tokens: int
    code: str
    error: str


def run_case(case: Case, *, render: bool = True) -> CaseResult:
    """One step of `case` through the real OpenAI SDK, the step executor and verify → fix.

    The same functions the engine's step phase calls (run_step, verify_and_fix), without the
    database: the realistic suite measures the protocol, not the storage.
    """
    from vibecoder.builder import prompts as p
    from vibecoder.builder.llm import ProviderConfig, collect
    from vibecoder.builder.llm.openai_provider import OpenAIProvider
    from vibecoder.builder.run.state import RunState, StepState
    from vibecoder.builder.run.verify import verify_and_fix
    from vibecoder.builder.steps import run_step

    server, model = serve([case])
    try:
        provider = OpenAIProvider(
            api_key="sk-test", model="realistic", base_url=server.url + "/v1", name="openai"
        )
        state = RunState(
            run_id="suite",
            project_id=0,
            public_id="suite",
            title="Kettle House",
            prompt=TEA_PROMPT,
            provider=ProviderConfig("openai-compatible", model="realistic"),
            render=render,
            order=[case.name],
            budget=10**9,
        )
        step = StepState(name=case.name)

        def call(request, on_chunk=None):
            completion = collect(provider, request, on_chunk)
            state.tokens_in += completion.usage.input_tokens
            state.tokens_out += completion.usage.output_tokens
            return completion

        request = p.step_request(
            TEA_PROMPT, name=case.name, purpose="x", plan_names=[case.name], interfaces={}
        )
        outcome = run_step(
            call,
            request,
            prompt=TEA_PROMPT,
            name=case.name,
            plan_names=[case.name],
            emit=lambda kind, data: None,
        )
        step.continuations = outcome.continuations
        result = verify_and_fix(
            call, state, step, outcome, emit=lambda kind, data: None, should_stop=lambda: False
        )
        if result.error:
            verdict = "failed"
        else:
            verdict = "correct" if same_text(result.code, case.code) else "wrong"
        return CaseResult(
            key=case.key,
            outcome=verdict,
            continuations=step.continuations,
            cuts=(1 if case.cut else 0) + (1 if case.cut_again else 0),
            fixes=step.fixes,
            calls=len(model.calls),
            recovery_tokens=outcome.recovery_usage.total,
            code=result.code,
            error=result.error,
        )
    finally:
        server.stop()
