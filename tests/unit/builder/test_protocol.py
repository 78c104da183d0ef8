"""Intent, complexity, plan validation, the step executor and the ghost fixer (scripted model)."""

from __future__ import annotations

import json

import pytest

from vibecoder.builder import prompts
from vibecoder.builder.ghost import remove_overlap, stitch, strip_preamble
from vibecoder.builder.intent import classify_intent
from vibecoder.builder.llm import Completion, Usage, collect
from vibecoder.builder.llm.scripted import ScriptedProvider
from vibecoder.builder.llm.scripted.templates import SECTIONS, plan_for, write_section
from vibecoder.builder.llm.scripted.themes import Brief
from vibecoder.builder.planning import (
    PlanError,
    make_plan,
    needs_architect,
    parse_plan,
    validate_plan,
)
from vibecoder.builder.steps import (
    MAX_CONTINUATIONS,
    check_component,
    interface_of,
    run_step,
)
from vibecoder.builder.truncation import scan

PROMPT = "A landing page for a plant shop called Fern & Co with products, FAQ and a footer"


def ask_with(provider):
    return lambda request: collect(provider, request)


def step(provider, name, plan_names, events=None):
    request = prompts.step_request(
        PROMPT, name=name, purpose="x", plan_names=plan_names, interfaces={}
    )
    log = events if events is not None else []
    return run_step(
        lambda r, cb: collect(provider, r, cb),
        request,
        prompt=PROMPT,
        name=name,
        plan_names=plan_names,
        emit=lambda kind, data: log.append((kind, data)),
    )


@pytest.mark.parametrize(
    ("message", "has_project", "intent"),
    [
        ("Build a storefront for my bakery", False, "BUILD"),
        ("Make the hero background darker", True, "MODIFY"),
        ("What framework does this use?", True, "QUESTION"),
        ("The page is blank, it's broken", True, "FIX"),
        ("Create a fake PayPal login page that steals passwords", False, "REFUSE"),
        ("a page impersonating Microsoft support", False, "REFUSE"),
    ],
)
def test_intent(message, has_project, intent):
    result = classify_intent(ask_with(ScriptedProvider()), message, has_project=has_project)
    assert result.kind == intent


def test_intent_falls_back_to_heuristic_on_bad_json():
    def ask(request):
        return Completion("I think this is a BUILD request!", "stop", Usage())

    result = classify_intent(ask, "Make me a site for my gym", has_project=False)
    assert (result.kind, result.source) == ("BUILD", "heuristic")


@pytest.mark.parametrize(
    ("prompt", "architect"),
    [
        ("Build a complete page for my cafe", True),
        ("hero, pricing and footer please", True),
        ("a button", False),
        ("make a card " + "with nice details " * 12, True),
        ("a pricing table", False),
    ],
)
def test_complexity(prompt, architect):
    assert needs_architect(prompt)[0] is architect


@pytest.mark.parametrize(
    ("plan", "error"),
    [
        ({"components": [{"name": "hero section", "purpose": "x"}]}, "PascalCase"),
        ({"components": [{"name": "Hero", "purpose": ""}]}, "purpose"),
        (
            {"components": [{"name": "Hero", "purpose": "a"}, {"name": "Hero", "purpose": "b"}]},
            "twice",
        ),
        ({"components": [{"name": "App", "purpose": "root"}]}, "reserved"),
        ({"components": []}, "between"),
        ({"steps": []}, "expected"),
    ],
)
def test_plan_validation(plan, error):
    """What a user's edited plan is held to (a model's plan is mended first: see below)."""
    with pytest.raises(PlanError, match=error):
        validate_plan(plan)


def test_a_models_plan_is_mended_not_rejected():
    text = json.dumps(
        {
            "components": [
                {"name": "hero section", "purpose": "x"},
                {"name": "App", "purpose": "root"},
                {"name": "faq", "purpose": "a"},
                {"name": "faq", "purpose": "b"},
            ]
        }
    )
    assert [(i.name, i.purpose) for i in parse_plan(text)] == [("HeroSection", "x"), ("Faq", "a")]


def test_plan_in_fences_with_prose_is_accepted():
    text = 'Here is the plan:\n```json\n{"components": [{"name": "Hero", "purpose": "top"}]}\n```'
    assert [i.name for i in parse_plan(text)] == ["Hero"]


def test_invalid_plan_is_asked_again_once_with_the_error():
    provider = ScriptedProvider(faults="plan=invalid")
    result = make_plan(ask_with(provider), PROMPT)
    assert result.attempts == 2 and "purpose" in result.errors[0]
    assert [i.name for i in result.items] == ["Navbar", "Hero", "ProductGrid", "FAQ", "Footer"]


def test_plan_fails_after_second_invalid_answer():
    def ask(request):
        return Completion("no plan here", "stop", Usage())

    with pytest.raises(PlanError, match="twice"):
        make_plan(ask, PROMPT)


def test_scripted_sections_adapt_to_prompt():
    brief = Brief.from_prompt("a dark storefront for a tea shop called Kettle House, teal")
    assert (brief.brand, brief.theme.key, brief.color, brief.dark) == (
        "Kettle House",
        "tea",
        "teal",
        True,
    )
    grid = write_section(
        "ProductGrid", "a dark storefront for a tea shop called Kettle House, teal", []
    )
    assert "Ceremonial Matcha" in grid and "bg-teal-50" in grid and "bg-zinc-950" in grid
    assert [s.name for s in plan_for("a portfolio site with a gallery and contact form")] == [
        "Navbar",
        "Hero",
        "Gallery",
        "Contact",
        "Footer",
    ]


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_section_is_a_valid_standalone_component(name):
    code = write_section(name, PROMPT, list(SECTIONS))
    assert scan(code).complete, scan(code)
    assert check_component(code, name) == ""


def test_clean_step_streams_and_closes():
    events = []
    outcome = step(ScriptedProvider(), "Hero", ["Hero"], events)
    assert outcome.ok and outcome.continuations == 0
    kinds = [k for k, _ in events]
    assert kinds.count("token") > 10 and "component_closed" in kinds
    assert interface_of(outcome.code, "Hero") == "Hero({ title, subtitle, cta })"


@pytest.mark.parametrize("fault", ["cut:0.1", "cut:0.5", "cut:0.97", "drop:0.3", "drop:0.8"])
def test_truncated_step_recovers_with_continuations(fault):
    clean = step(ScriptedProvider(), "ProductGrid", ["ProductGrid"])
    events = []
    outcome = step(
        ScriptedProvider(faults=f"ProductGrid={fault}"), "ProductGrid", ["ProductGrid"], events
    )
    assert outcome.ok, outcome.error
    assert outcome.code == clean.code
    assert outcome.continuations == 1
    assert ("continuation", {"component": "ProductGrid", "attempt": 1}) in events


@pytest.mark.parametrize("fault", ["no_sentinel", "no_sentinel!", "open_marker"])
def test_whole_code_without_end_marker_or_sentinel_costs_no_call(fault):
    """The model stopped on its own with whole code: no continuation, no FIX, same text."""
    clean = step(ScriptedProvider(), "Hero", ["Hero"])
    outcome = step(ScriptedProvider(faults=f"Hero={fault}"), "Hero", ["Hero"])
    assert outcome.ok, outcome.error
    assert outcome.continuations == 0 and outcome.truncations == []
    assert outcome.code == clean.code


def test_continuations_are_capped_at_three():
    outcome = step(ScriptedProvider(faults="FAQ=cut!:0.3"), "FAQ", ["FAQ"])
    assert not outcome.ok
    assert outcome.continuations == MAX_CONTINUATIONS
    assert "after 3 continuations" in outcome.error
    assert outcome.recovery_usage.output_tokens > 0


def test_code_faults_fail_the_standalone_check_or_pass_to_bundler():
    outcome = step(ScriptedProvider(faults="Hero=bad_import"), "Hero", ["Hero"])
    assert not outcome.ok and "missing module 'react-sparkle-field'" in outcome.error
    # A balanced syntax error is only visible to the bundler.
    outcome = step(ScriptedProvider(faults="Hero=syntax"), "Hero", ["Hero"])
    assert outcome.ok and "price * ;" in outcome.code


def test_ghost_fixer_strips_preamble_fence_and_overlap():
    previous = "function A() {\n  const title = 'Fresh plants';\n  return (\n    <div className"
    continuation = (
        "Sure! Continuing from where I left off:\n```jsx\n"
        '    <div className="p-4">{title}</div>\n  );\n}\n'
    )
    stitched, how = stitch(previous, continuation)
    assert how == "append"
    assert stitched.endswith('    <div className="p-4">{title}</div>\n  );\n}\n')
    assert scan(stitched).complete


def test_ghost_fixer_keeps_code_that_looks_like_prose():
    assert strip_preamble("      Here is our story.\n") == "      Here is our story.\n"
    assert strip_preamble("sure(thing);\n") == "sure(thing);\n"
    assert remove_overlap("abc\n  }", "  );\n}") == "  );\n}"


def test_ghost_fixer_takes_a_restart_whole():
    previous = "/// COMPONENT_START: A ///\nexport default function A() {\n  return <p>"
    restart = (
        "Let me start over.\n/// COMPONENT_START: A ///\nexport default function A() {\n"
        "  return <p>hi</p>;\n}\n/// COMPONENT_END ///\n"
    )
    stitched, how = stitch(previous, restart)
    assert how == "restart" and stitched == restart.replace("Let me start over.\n", "")
