"""The streaming marker parser and the JSX-aware truncation scan."""

from __future__ import annotations

import pytest

from vibecoder.builder.markers import MarkerParser, parse_all
from vibecoder.builder.truncation import is_truncated, scan

HERO = """import { motion } from "framer-motion";
import { Coffee } from "lucide-react";

export default function Hero({ title = "Ember Roasters", onShop }) {
  const tagline = `Roasted ${new Date().getFullYear()} — small batch`;
  const pattern = /\\d+\\/\\d+/g;
  return (
    <section className="bg-stone-950 text-amber-50 py-24">
      {/* Don't remove: the hero's headline */}
      <motion.h1 initial={{ opacity: 0 }} animate={{ opacity: 1 }} className="text-5xl">
        {title}
      </motion.h1>
      <p className="mt-4">Don't settle for stale beans — it's fresh or it's free.</p>
      <button onClick={() => onShop?.("beans")} disabled={false}>
        <Coffee size={16} /> Shop {tagline.length > 3 ? "now" : "soon"}
      </button>
      <>{[1, 2].map((n) => <span key={n}>{n < 2 && "first"}</span>)}</>
    </section>
  );
}
"""

STREAM = (
    "Sure! Here is the hero. I'll wrap it in `/// COMPONENT_START: Hero ///` markers.\n"
    "```jsx\n/// COMPONENT_START : Hero ///\n" + HERO + "/// COMPONENT_END ///\n```\n"
    "//  --- VIBECODER_COMPLETE ---\n"
)


def test_complete_component_scans_clean():
    assert scan(HERO).complete, scan(HERO)


def test_stream_parsed_chunk_by_chunk_emits_component_as_soon_as_it_closes():
    parser = MarkerParser()
    events = []
    for index in range(0, len(STREAM), 7):
        events.extend(parser.feed(STREAM[index : index + 7]))
    events.extend(parser.finish())
    kinds = [e.kind for e in events if e.kind != "text"]
    assert kinds == ["component_started", "component_closed", "complete"]
    closed = next(e for e in events if e.kind == "component_closed")
    assert closed.name == "Hero" and closed.text == HERO
    # The marker quoted in prose did not open a component.
    assert parser.order == ["Hero"]


def test_fences_inside_markers_are_dropped():
    parser = parse_all(
        "/// COMPONENT_START: A ///\n```jsx\nconst a = 1;\n```\n/// COMPONENT_END ///\n"
    )
    assert parser.components["A"] == "const a = 1;\n"


def test_open_marker_at_end_keeps_partial_for_recovery():
    parser = parse_all(
        "/// COMPONENT_START: Grid ///\nexport default function Grid() {\n  return ("
    )
    assert parser.open_component == "Grid"
    assert parser.partial_component.endswith("return (")
    assert not parser.complete


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ('const a = "open', "unterminated string"),
        ("const t = `hello ${name", "unterminated template"),
        ("function f() {\n  return 1;\n", "unclosed '{'"),
        ('return (<div className="x">hello', "unclosed JSX element"),
        ('return (<div className="x', "unterminated attribute string"),
        ("/* comment", "unterminated comment"),
        ("const r = /abc", "unterminated regular expression"),
    ],
)
def test_truncations_are_named(code, reason):
    result = scan(code)
    assert not result.complete
    assert result.reason.startswith(reason)


def test_jsx_text_apostrophes_and_comparisons_are_not_strings_or_tags():
    assert scan("const ok = a < b && c > d;\nconst el = <p>It's fine</p>;\n").complete


def test_every_cut_inside_the_component_body_is_caught_by_the_scan():
    body_start = HERO.index("onShop }) {") + len("onShop }) {") - 1  # the body's brace
    body_end = HERO.rindex("}")
    missed = [cut for cut in range(body_start + 1, body_end) if scan(HERO[:cut]).complete]
    assert missed == [], [HERO[:c][-40:] for c in missed[:5]]


def test_every_cut_of_the_stream_is_reported_as_truncated():
    """Cut the model's whole answer anywhere before its sentinel: never taken as finished."""
    sentinel_at = STREAM.index("//  --- VIBECODER_COMPLETE")
    for cut in range(0, sentinel_at):
        parser = parse_all(STREAM[:cut])
        code = parser.components.get("Hero", parser.partial_component)
        reason = is_truncated(code, has_sentinel=parser.complete)
        assert reason, f"cut at {cut} looked complete: {STREAM[:cut][-40:]!r}"


def test_finish_reason_and_sentinel_rules():
    assert is_truncated(HERO, finish_reason="length") == "the model hit its output limit"
    assert is_truncated(HERO, has_sentinel=False) == "the completion sentinel is missing"
    assert is_truncated(HERO) == ""
